using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Inbound.Anthropic;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>Golden translations of Anthropic requests into OpenAI chat-completions bodies, and the 400s for bad ones.</summary>
public sealed class AnthropicRequestTranslatorTests
{
    [Fact]
    public void Text_system_sampling_stop_user_and_stream_map_to_their_OpenAI_fields()
    {
        AssertTranslation(
            """
            {"model":"gpt","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}],
             "stop_sequences":["END","STOP"],"temperature":0.5,"top_p":0.9,"top_k":40,"metadata":{"user_id":"u-1"},"stream":true}
            """,
            """
            {"model":"gpt","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "max_completion_tokens":100,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"],"stream":true,"user":"u-1"}
            """);
    }

    [Fact]
    public void System_blocks_join_and_user_blocks_become_text_and_image_parts()
    {
        var translation = AssertTranslation(
            """
            {"model":"gpt","max_tokens":10,
             "system":[{"type":"text","text":"A","cache_control":{"type":"ephemeral"}},{"type":"text","text":"B"}],
             "messages":[{"role":"user","content":[
               {"type":"text","text":"What is this?","cache_control":{"type":"ephemeral"}},
               {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo+/A=="}},
               {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]}
            """,
            """
            {"model":"gpt","messages":[{"role":"system","content":"A\n\nB"},{"role":"user","content":[
               {"type":"text","text":"What is this?"},
               {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo+/A=="}},
               {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}],
             "max_completion_tokens":10}
            """);

        // The base64 data is copied as it came, not re-escaped ("+" would otherwise become \u002B).
        Assert.Contains("data:image/png;base64,iVBORw0KGgo+/A==", Encoding.UTF8.GetString(translation.OpenAIBody), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_round_trip_becomes_tool_calls_and_tool_messages_in_OpenAI_order()
    {
        AssertTranslation(
            """
            {"model":"gpt","max_tokens":50,
             "tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "messages":[
               {"role":"user","content":"Weather in Paris and Rome?"},
               {"role":"assistant","content":[
                 {"type":"thinking","thinking":"I should call the tool.","signature":"sig"},
                 {"type":"text","text":"Let me check."},
                 {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                 {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},
               {"role":"user","content":[
                 {"type":"text","text":"Thanks"},
                 {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18 C"},{"type":"image","source":{"type":"url","url":"https://example.com/map.png"}}]},
                 {"type":"tool_result","tool_use_id":"toolu_2","content":"service down","is_error":true}]}]}
            """,
            """
            {"model":"gpt","messages":[
               {"role":"user","content":"Weather in Paris and Rome?"},
               {"role":"assistant","content":"Let me check.","tool_calls":[
                 {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
               {"role":"tool","tool_call_id":"toolu_1","content":"18 C"},
               {"role":"tool","tool_call_id":"toolu_2","content":"Error: service down"},
               {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/map.png"}},{"type":"text","text":"Thanks"}]}],
             "max_completion_tokens":50,
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"required","parallel_tool_calls":false}
            """);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"tool","name":"lookup"}""", """{"type":"function","function":{"name":"lookup"}}""")]
    public void Tool_choice_maps_to_its_OpenAI_counterpart(string choice, string expected)
    {
        var openAI = Translate($$$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"lookup","input_schema":{"type":"object"}}],"tool_choice":{{{choice}}}}""");

        AnthropicEvents.AssertJsonEqual(expected, openAI["tool_choice"]);
        Assert.Null(openAI["parallel_tool_calls"]);
    }

    [Fact]
    public void Without_tools_tool_choice_is_left_out_since_OpenAI_refuses_it_alone()
    {
        var openAI = Translate("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}}""");

        Assert.False(openAI.AsObject().ContainsKey("tool_choice"));
        Assert.False(openAI.AsObject().ContainsKey("parallel_tool_calls"));
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":1024}""", null, "low", true)]
    [InlineData("""{"type":"enabled","budget_tokens":4096}""", null, "medium", true)]
    [InlineData("""{"type":"enabled","budget_tokens":16384}""", null, "high", true)]
    [InlineData("""{"type":"adaptive"}""", null, null, true)]
    [InlineData("""{"type":"between_tools"}""", null, null, true)]
    [InlineData("""{"type":"disabled"}""", null, null, false)]
    [InlineData(null, "max", "high", false)]
    [InlineData("""{"type":"enabled","budget_tokens":20000}""", "low", "low", true)]
    public void Thinking_and_effort_become_reasoning_effort(string? thinking, string? effort, string? expected, bool thinkingOn)
    {
        var body = """{"model":"m","max_tokens":50000,"messages":[{"role":"user","content":"x"}]""";
        body += thinking is null ? "" : $",\"thinking\":{thinking}";
        body += effort is null ? "" : $",\"output_config\":{{\"effort\":\"{effort}\"}}";

        var translation = Valid(AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(body + "}")));

        Assert.Equal(expected, JsonNode.Parse(translation.OpenAIBody)!["reasoning_effort"]?.GetValue<string>());
        Assert.Equal(thinkingOn, translation.ThinkingRequested);
    }

    [Theory]
    [InlineData("output_config", """{"format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}}""")]
    [InlineData("output_format", """{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}""")]
    public void Structured_output_becomes_a_json_schema_response_format(string field, string value)
    {
        var openAI = Translate($$$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"{{{field}}}":{{{value}}}}""");

        AnthropicEvents.AssertJsonEqual(
            """{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}}""",
            openAI["response_format"]);
    }

    [Fact]
    public void Documents_become_file_and_text_parts_and_system_messages_and_strings_pass()
    {
        AssertTranslation(
            """
            {"model":"m","max_tokens":5,"messages":[
              {"role":"system","content":[{"type":"text","text":"Cite sources."}]},
              {"role":"user","content":[
                {"type":"document","title":"report.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
                {"type":"document","title":"Notes","source":{"type":"text","media_type":"text/plain","data":"Line one."}}]},
              {"role":"assistant","content":[{"type":"redacted_thinking","data":"xyz"}]},
              {"role":"assistant","content":"The report says"}]}
            """,
            """
            {"model":"m","messages":[
              {"role":"system","content":"Cite sources."},
              {"role":"user","content":[
                {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
                {"type":"text","text":"Notes\n\nLine one."}]},
              {"role":"assistant","content":"The report says"}],
             "max_completion_tokens":5}
            """);
    }

    [Theory]
    [InlineData("""{"max_tokens":1,"messages":[]}""", "model: Field required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":1}""", "messages: Field required")]
    [InlineData("""{"model":5,"max_tokens":1,"messages":[]}""", "model: Input should be a valid string")]
    [InlineData("""{"model":" ","max_tokens":1,"messages":[]}""", "model: String should be a model name")]
    [InlineData("""{"model":"m","max_tokens":"10","messages":[]}""", "max_tokens: Input should be a valid integer")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[]}""", "max_tokens: Input should be greater than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":{}}""", "messages: Input should be a valid list")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[]}""", "messages: List should have at least 1 item")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":["hi"]}""", "messages.0: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"tool","content":"x"}]}""", "messages.0.role: Input should be 'user', 'assistant' or 'system'")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}""", "messages.0.content: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}""", "messages.0.content: Input should be a valid string or a list")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[]}]}""", "messages.0.content: all messages must have non-empty content")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages.0.content.0.type: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages.0.content.0.text: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"x"}}]}]}""", "messages.0.content.0.source.media_type: Input should be 'image/jpeg'")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}""", "messages.0.content.0.tool_use_id: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":"{}"}]}]}""", "messages.0.content.0.input: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":1,"temperature":1.5,"messages":[{"role":"user","content":"x"}]}""", "temperature: Input should be less than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":1,"top_k":-1,"messages":[{"role":"user","content":"x"}]}""", "top_k: Input should be greater than or equal to 0")]
    [InlineData("""{"model":"m","max_tokens":1,"stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":1,"stop_sequences":[1],"messages":[{"role":"user","content":"x"}]}""", "stop_sequences.0: Input should be a valid string")]
    [InlineData("""{"model":"m","max_tokens":1,"system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]}""", "system.0.type: Input tag should be 'text'")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":[{"name":"t"}],"messages":[{"role":"user","content":"x"}]}""", "tools.0.input_schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"tool_choice":{"type":"tool"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice.name: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"tool_choice":{"type":"sometimes"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice.type: Input tag should be")]
    [InlineData("""{"model":"m","max_tokens":1,"thinking":{"type":5},"messages":[{"role":"user","content":"x"}]}""", "thinking.type: Input should be a valid string")]
    [InlineData("""{"model":"m","max_tokens":1,"thinking":{"type":"enabled"},"messages":[{"role":"user","content":"x"}]}""", "thinking.budget_tokens: Field required")]
    [InlineData("""{"model":"m","model":"other","max_tokens":1,"messages":[{"role":"user","content":"x"}]}""", "model: Field given more than once")]
    [InlineData("""[{"model":"m"}]""", "The request body must be a JSON object.")]
    public void Bad_requests_are_refused_with_Anthropic_wording(string body, string expected)
    {
        var error = Refused(body);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_request", error.Code);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"search_result","source":"s","title":"t","content":[]}]}]}""", "messages.0.content.0.type: The content block type 'search_result' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: The image source type 'file' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: The document source type 'file' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"search_result","source":"s","title":"t","content":[]}]}]}]}""", "messages.0.content.0.content.0.type: The content block type 'search_result' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"server_tool_use","id":"s","name":"web_search","input":{}}]}]}""", "messages.1.content.0.type: The content block type 'server_tool_use' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"image","source":{"type":"url","url":"u"}}]}]}""", "messages.0.content.0.type: The content block type 'image' cannot be translated")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"tool","name":"web_search"},"messages":[{"role":"user","content":"x"}]}""", "tools.0.type: 'web_search_20250305' is a tool Anthropic runs itself")]
    public void What_only_Anthropic_can_take_is_noted_not_refused_and_the_stand_in_still_parses(string body, string expected)
    {
        // An Anthropic deployment serves the caller's own body; only another deployment refuses it (with this error).
        var translation = Valid(AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(body)));

        var refusal = Assert.IsType<GatewayError>(translation.Untranslatable);
        Assert.StartsWith(expected, refusal.Message, StringComparison.Ordinal);
        Assert.Equal((400, "unsupported_by_provider", GatewayError.InvalidRequestType), (refusal.Status, refusal.Code, refusal.Type));
        var parsed = ChatRequestParser.Parse(PooledBody.FromBytes(translation.OpenAIBody));
        Assert.Null(parsed.Error);
        Assert.Equal("m", parsed.Value!.Model);
    }

    [Fact]
    public void A_request_every_OpenAI_format_model_can_take_has_nothing_noted()
    {
        var translation = Valid(AnthropicRequestTranslator.Translate("""{"model":"m","max_tokens":1,"tools":[{"name":"t","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}"""u8.ToArray()));

        Assert.Null(translation.Untranslatable);
    }

    [Theory]
    [InlineData("""{"model":"m",""")]
    [InlineData("""{"model":"m"} trailing""")]
    [InlineData("""{"model":"\uD800","max_tokens":1,"messages":[{"role":"user","content":"x"}]}""")]
    public void Malformed_JSON_is_a_400_not_a_crash(string body)
    {
        var result = AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(body));

        Assert.Equal(400, result.Error?.Status);
        Assert.Equal("invalid_json", result.Error?.Code);
    }

    [Fact]
    public void Unknown_root_fields_are_ignored_for_forward_compatibility()
    {
        var openAI = Translate("""{"model":"m","max_tokens":5,"service_tier":"auto","container":"c","messages":[{"role":"user","content":"x"}]}""");

        AnthropicEvents.AssertJsonEqual("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":5}""", openAI);
    }

    private static AnthropicTranslation AssertTranslation(string anthropic, string expectedOpenAI)
    {
        var translation = Valid(AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(anthropic)));
        AnthropicEvents.AssertJsonEqual(expectedOpenAI, JsonNode.Parse(translation.OpenAIBody));

        // Every translation is a chat request the gateway's own parser accepts.
        Assert.Null(ChatRequestParser.Parse(PooledBody.FromBytes(translation.OpenAIBody)).Error);
        return translation;
    }

    private static JsonNode Translate(string anthropic) =>
        JsonNode.Parse(Valid(AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(anthropic))).OpenAIBody)!;

    private static AnthropicTranslation Valid(ParseResult<AnthropicTranslation> result)
    {
        Assert.True(result.Error is null, $"expected a translation, got: {result.Error}");
        return result.Value!;
    }

    private static GatewayError Refused(string body)
    {
        var result = AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(body));
        Assert.Null(result.Value);
        var error = Assert.IsType<GatewayError>(result.Error);
        Assert.Equal(400, error.Status);
        Assert.Equal(GatewayError.InvalidRequestType, error.Type);
        return error;
    }
}
