using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Replay;
using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

public sealed class StreamAssemblerTests
{
    [Fact]
    public void Text_deltas_join_into_one_message_with_the_answer_fields_and_the_usage_verbatim()
    {
        var completion = Parse(Assemble(SampleStreams.Text));

        AssertSameJson(JsonNode.Parse("""
            {"id":"chatcmpl-test1","object":"chat.completion","created":1731000000,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there 👋🏽, wörld 🌍🚀\n\"quoted\" \\ backé","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_1"}
            """), completion);
    }

    [Fact]
    public void Tool_calls_are_gathered_by_index_with_their_arguments_joined_and_content_null()
    {
        var message = Parse(Assemble(SampleStreams.ToolCalls))["choices"]![0]!["message"]!;

        AssertSameJson(JsonNode.Parse("""
            {"role":"assistant","content":null,"refusal":null,"tool_calls":[
              {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
              {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"zone\": \"Europe/Paris\"}"}}]}
            """), message);
    }

    [Fact]
    public void Whole_tool_calls_in_one_delta_as_the_Gemini_translation_sends_them_are_kept_with_the_text()
    {
        var choice = Parse(Assemble(SampleStreams.WholeToolCalls))["choices"]![0]!;

        Assert.Equal("Let me check.", (string?)choice["message"]!["content"]);
        Assert.Equal(["call_g1", "call_g2"], choice["message"]!["tool_calls"]!.AsArray().Select(c => (string?)c!["id"]));
        Assert.Equal("""{"q":"x"}""", (string?)choice["message"]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
    }

    [Fact]
    public void Interleaved_choices_stay_apart_and_come_out_ordered_by_index()
    {
        var choices = Parse(Assemble(SampleStreams.TwoChoices))["choices"]!.AsArray();

        Assert.Equal([0, 1], choices.Select(c => (int)c!["index"]!));
        Assert.Equal(["First answer.", "Second answer, longer."], choices.Select(c => (string?)c!["message"]!["content"]));
        Assert.Equal(["stop", "length"], choices.Select(c => (string?)c!["finish_reason"]));
        Assert.Null(Parse(Assemble(SampleStreams.TwoChoices))["usage"]); // none was sent
    }

    [Fact]
    public void A_refusal_is_joined_and_content_stays_null()
    {
        var message = Parse(Assemble(SampleStreams.Refusal))["choices"]![0]!["message"]!;

        Assert.Null(message["content"]);
        Assert.Equal("I'm sorry, I can't help with that.", (string?)message["refusal"]);
    }

    [Fact]
    public void Content_logprobs_of_every_chunk_are_joined_in_order()
    {
        var logprobs = Parse(Assemble(SampleStreams.Logprobs))["choices"]![0]!["logprobs"]!;

        Assert.Equal(["Foo", "!"], logprobs["content"]!.AsArray().Select(t => (string?)t!["token"]));
        Assert.Null(logprobs["refusal"]);
        Assert.Equal(-0.27, (double)logprobs["content"]![1]!["top_logprobs"]![0]!["logprob"]!);
    }

    [Fact]
    public void A_logprob_token_that_is_part_of_a_character_is_kept_as_sent()
    {
        const string Token = """{"token":"\ud83d","logprob":-0.5,"bytes":[240,159],"top_logprobs":[]}""";
        var completion = Encoding.UTF8.GetString(Assemble(
        [
            $$"""{"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"😀"},"logprobs":{"content":[{{Token}}],"refusal":null},"finish_reason":"stop"}]}""",
        ]));

        Assert.Contains(Token, completion, StringComparison.Ordinal);
    }

    [Fact]
    public void Reasoning_from_the_Anthropic_translation_is_kept_as_reasoning_content()
    {
        var message = Parse(Assemble(SampleStreams.ReasoningThenText))["choices"]![0]!["message"]!;

        Assert.Equal("The user wants a greeting.", (string?)message["reasoning_content"]);
        Assert.Equal("Hi!", (string?)message["content"]);
    }

    [Fact]
    public void Annotations_are_kept()
    {
        var annotations = Parse(Assemble(SampleStreams.Annotated))["choices"]![0]!["message"]!["annotations"]!.AsArray();

        Assert.Equal("https://example.com/", (string?)Assert.Single(annotations)!["url_citation"]!["url"]);
    }

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    public void An_answer_cut_by_length_or_a_content_filter_is_cacheable(string finishReason)
    {
        var completion = Parse(Assemble([Delta(0, SampleStreams.RoleForText), Delta(0, """{"content":"Part"}"""), Delta(0, "{}", finishReason)]));

        Assert.Equal(finishReason, (string?)completion["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void The_index_may_follow_the_delta_and_an_empty_first_header_as_Azure_sends_is_not_kept()
    {
        string[] chunks =
        [
            """{"id":"","object":"chat.completion.chunk","created":0,"model":"","choices":[],"prompt_filter_results":[]}""",
            """{"id":"c9","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"delta":{"content":"ok"},"finish_reason":"stop","index":3}]}""",
        ];

        var completion = Parse(Assemble(chunks));

        Assert.Equal("c9", (string?)completion["id"]);
        Assert.Equal(5, (long)completion["created"]!);
        Assert.Equal("m", (string?)completion["model"]);
        Assert.Equal(3, (int)completion["choices"]![0]!["index"]!);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Chunks_in_many_segments_assemble_as_whole_ones_do(int segmentBytes)
    {
        foreach (var stream in SampleStreams.All.Values)
        {
            AssertSameJson(Parse(Assemble(stream)), Parse(AssembleSegmented(stream, segmentBytes)));
        }
    }

    public static TheoryData<string, string[], string> NotCacheable => new()
    {
        { "no chunks", [], "no chunks" },
        { "error chunk", [Delta(0, SampleStreams.RoleForText), """{"error":{"message":"overloaded","type":"server_error"}}"""], "error" },
        { "missing finish_reason", [Delta(0, SampleStreams.RoleForText), Delta(0, """{"content":"Hi"}""")], "finish_reason" },
        { "one of two choices unfinished", [Delta(0, "{}", "stop"), Delta(1, """{"content":"Hi"}""")], "choice 1" },
        { "truncated JSON", [Delta(0, SampleStreams.RoleForText)[..40], Delta(0, "{}", "stop")], "not valid JSON" },
        { "not an object", ["[1,2]", Delta(0, "{}", "stop")], "not valid JSON" },
        { "choice without index", ["""{"id":"c","created":1,"model":"m","choices":[{"delta":{},"finish_reason":"stop"}]}"""], "not valid JSON" },
        { "escaped lone surrogate", ["""{"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\ud83d"},"finish_reason":"stop"}]}"""], "not valid JSON" },
        { "function_call delta", [Delta(0, """{"function_call":{"name":"f","arguments":"{}"}}"""), Delta(0, "{}", "function_call")], "function_call" },
        { "tool call without id", [Delta(0, """{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]}"""), Delta(0, "{}", "tool_calls")], "no id or name" },
        { "custom tool call", [Delta(0, """{"tool_calls":[{"index":0,"id":"c","type":"custom","custom":{"name":"f","input":"x"}}]}"""), Delta(0, "{}", "tool_calls")], "type custom" },
        { "no id or model", ["""{"object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""], "id, model" },
    };

    [Theory]
    [MemberData(nameof(NotCacheable))]
    public void A_stream_that_is_not_a_whole_clean_answer_is_not_cacheable(string why, string[] chunks, string reason)
    {
        var assembler = new StreamAssembler();
        foreach (var chunk in chunks)
        {
            assembler.Add(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(chunk)));
        }

        Assert.True(assembler.Build() is null, why);
        Assert.Contains(reason, assembler.NotCacheableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_not_cacheable_later_chunks_change_nothing()
    {
        var assembler = new StreamAssembler();
        assembler.Add(new ReadOnlySequence<byte>("{not json"u8.ToArray()));
        foreach (var chunk in SampleStreams.Text)
        {
            assembler.Add(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(chunk)));
        }

        Assert.Null(assembler.Build());
        Assert.Null(assembler.Build());
    }

    [Fact]
    public void An_answer_over_the_size_limit_is_let_go_and_not_cacheable()
    {
        var assembler = new StreamAssembler(maxBytes: 20);
        foreach (var chunk in SampleStreams.Text)
        {
            assembler.Add(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(chunk)));
        }

        Assert.Null(assembler.Build());
        Assert.Contains("larger than 20 bytes", assembler.NotCacheableReason, StringComparison.Ordinal);
    }
}
