using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Inbound.Anthropic;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>Golden translations of complete OpenAI answers into Anthropic messages.</summary>
public sealed class AnthropicAnswerTranslatorTests
{
    private static readonly AnthropicAnswerContext Context = new("req_1", "logical-model", ThinkingRequested: false);

    [Fact]
    public void Text_answer_becomes_a_message_with_cached_input_split_out()
    {
        AssertAnswer(
            """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":3}}}
            """,
            """
            {"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"gpt-4o-mini-2024-07-18",
             "content":[{"type":"text","text":"Hello there"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":8,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":4}}
            """);
    }

    [Fact]
    public void Tool_calls_become_tool_use_blocks_with_parsed_input()
    {
        AssertAnswer(
            """
            {"id":"chatcmpl-2","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":[
              {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
              {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":20,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":5}}}
            """,
            """
            {"id":"msg_chatcmpl-2","type":"message","role":"assistant","model":"m","content":[
              {"type":"text","text":"Checking."},
              {"type":"tool_use","id":"call_a","name":"get_weather","caller":{"type":"direct"},"input":{"city":"Paris"}},
              {"type":"tool_use","id":"call_b","name":"get_time","caller":{"type":"direct"},"input":{}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":15,"cache_creation_input_tokens":5,"cache_read_input_tokens":0,"output_tokens":9}}
            """);
    }

    [Theory]
    [InlineData("stop", false, "end_turn")]
    [InlineData("length", false, "max_tokens")]
    [InlineData("tool_calls", true, "tool_use")]
    [InlineData("stop", true, "tool_use")] // Ollama says "stop" after tool calls
    [InlineData("length", true, "max_tokens")]
    [InlineData("content_filter", false, "refusal")]
    [InlineData("something_new", false, "end_turn")]
    public void Finish_reason_maps_to_stop_reason(string finish, bool withToolCall, string expected)
    {
        var calls = withToolCall ? ""","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]""" : "";
        var message = Translate($$"""{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"t"{{calls}}},"finish_reason":"{{finish}}"}]}""");

        Assert.Equal(expected, message["stop_reason"]!.GetValue<string>());
        Assert.Null(message["stop_sequence"]);
    }

    [Fact]
    public void A_refusal_is_a_text_block_with_stop_reason_refusal()
    {
        var message = Translate("""{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}""");

        AnthropicEvents.AssertJsonEqual("""[{"type":"text","text":"I can't help with that."}]""", message["content"]);
        Assert.Equal("refusal", message["stop_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, """[{"type":"thinking","thinking":"Let me think.","signature":""},{"type":"text","text":"42"}]""")]
    [InlineData(false, """[{"type":"text","text":"42"}]""")]
    public void Reasoning_text_is_a_thinking_block_only_when_thinking_was_asked_for(bool thinking, string expected)
    {
        var answer = """{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"Let me think."},"finish_reason":"stop"}]}""";

        var message = JsonNode.Parse(AnthropicAnswerTranslator.Translate(Encoding.UTF8.GetBytes(answer), Context with { ThinkingRequested = thinking }))!;

        AnthropicEvents.AssertJsonEqual(expected, message["content"]);
    }

    [Fact]
    public void Missing_ids_model_usage_and_odd_arguments_still_make_a_valid_message()
    {
        var message = Translate("""
            {"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"tool_calls":[
              {"type":"function","function":{"name":"f","arguments":"{\"cut\": \"off"}},
              {"type":"function","function":{"name":"g","arguments":{"already":"an object"}}}]},"finish_reason":"tool_calls"}]}
            """);

        AnthropicEvents.AssertJsonEqual(
            """
            {"id":"msg_req_1","type":"message","role":"assistant","model":"logical-model","content":[
              {"type":"text","text":"ab"},
              {"type":"tool_use","id":"toolu_req_1_0","name":"f","caller":{"type":"direct"},"input":{}},
              {"type":"tool_use","id":"toolu_req_1_1","name":"g","caller":{"type":"direct"},"input":{"already":"an object"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}
            """,
            message);
        AnthropicEvents.AssertMessage(message);
    }

    [Fact]
    public void Only_the_first_choice_is_used_and_an_empty_answer_has_no_blocks()
    {
        var message = Translate("""{"id":"x","model":"m","choices":[{"index":1,"message":{"content":"second"},"finish_reason":"stop"},{"index":0,"message":{"content":""},"finish_reason":"stop"}]}""");

        Assert.Empty(message["content"]!.AsArray());
        Assert.Equal("end_turn", message["stop_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"choices":"none"}""")]
    [InlineData("""[1,2]""")]
    public void An_answer_that_is_not_a_chat_completion_throws_JsonException(string answer)
    {
        Assert.ThrowsAny<JsonException>(() => AnthropicAnswerTranslator.Translate(Encoding.UTF8.GetBytes(answer), Context));
    }

    private static void AssertAnswer(string openAI, string expectedAnthropic)
    {
        var message = Translate(openAI);
        AnthropicEvents.AssertJsonEqual(expectedAnthropic, message);
        AnthropicEvents.AssertMessage(message);
    }

    private static JsonNode Translate(string openAI) => JsonNode.Parse(AnthropicAnswerTranslator.Translate(Encoding.UTF8.GetBytes(openAI), Context))!;
}
