using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Replay;
using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

public sealed class CompletionReplayTests
{
    private const string TextAnswer = """
        {"id":"chatcmpl-9","object":"chat.completion","created":1731000000,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_9",
         "choices":[{"index":0,"message":{"role":"assistant","content":"one two three four five six seven eight","refusal":null},"logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":5,"completion_tokens":8,"total_tokens":13}}
        """;

    [Fact]
    public void A_text_answer_streams_as_OpenAI_does_role_first_then_pieces_then_finish_then_usage()
    {
        var chunks = ReplayChunks(Encoding.UTF8.GetBytes(TextAnswer), includeUsage: true, chunkChars: 10).Select(Parse).ToList();

        foreach (var chunk in chunks)
        {
            Assert.Equal("chatcmpl-9", (string?)chunk["id"]);
            Assert.Equal("chat.completion.chunk", (string?)chunk["object"]);
            Assert.Equal(1731000000, (long)chunk["created"]!);
            Assert.Equal("gpt-4o", (string?)chunk["model"]);
            Assert.Equal("default", (string?)chunk["service_tier"]);
            Assert.Equal("fp_9", (string?)chunk["system_fingerprint"]);
        }

        AssertSameJson(JsonNode.Parse("""{"role":"assistant","content":""}"""), chunks[0]["choices"]![0]!["delta"]);
        var pieces = chunks.Skip(1).SkipLast(2).Select(c => (string?)c["choices"]![0]!["delta"]!["content"]).ToList();
        Assert.Equal(["one two ", "three ", "four five ", "six seven ", "eight"], pieces);
        var finish = chunks[^2]["choices"]![0]!;
        AssertSameJson(new JsonObject(), finish["delta"]);
        Assert.Equal("stop", (string?)finish["finish_reason"]);
        Assert.All(chunks.SkipLast(1), c => Assert.True(c.AsObject().TryGetPropertyValue("usage", out var usage) && usage is null));
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(13, (int)chunks[^1]["usage"]!["total_tokens"]!);
        Assert.All(chunks.SkipLast(2), c => Assert.Null(c["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public void Without_include_usage_no_chunk_mentions_usage()
    {
        var chunks = ReplayChunks(Encoding.UTF8.GetBytes(TextAnswer), includeUsage: false).Select(Parse).ToList();

        Assert.Equal(3, chunks.Count); // role, the whole text, finish
        Assert.All(chunks, c => Assert.False(c.AsObject().ContainsKey("usage")));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public void Pieces_never_split_a_surrogate_pair_and_add_up_to_the_text(int chunkChars)
    {
        const string Text = "a👋🏽b😀😀 c🌍x🚀🚀🚀 é 👨‍👩‍👧 end";
        var answer = new JsonObject
        {
            ["id"] = "c", ["object"] = "chat.completion", ["created"] = 1, ["model"] = "m",
            ["choices"] = JsonNode.Parse($$"""[{"index":0,"message":{"role":"assistant","content":{{JsonValue.Create(Text).ToJsonString()}},"refusal":null},"logprobs":null,"finish_reason":"stop"}]"""),
        };

        var pieces = ReplayChunks(Encoding.UTF8.GetBytes(answer.ToJsonString()), includeUsage: false, chunkChars)
            .Skip(1).SkipLast(1).Select(c => (string)Parse(c)["choices"]![0]!["delta"]!["content"]!).ToList();

        Assert.Equal(Text, string.Concat(pieces));
        Assert.All(pieces, p =>
        {
            Assert.InRange(p.Length, 1, chunkChars);
            Assert.False(char.IsLowSurrogate(p[0]), p);
            Assert.False(char.IsHighSurrogate(p[^1]), p);
        });
    }

    [Fact]
    public void Tool_calls_stream_as_OpenAI_sends_them_id_and_name_first_then_the_arguments_in_pieces()
    {
        var completion = Assemble(SampleStreams.ToolCalls);

        var chunks = ReplayChunks(completion, includeUsage: false, chunkChars: 8).Select(Parse).ToList();

        AssertSameJson(JsonNode.Parse("""{"role":"assistant","content":null}"""), chunks[0]["choices"]![0]!["delta"]);
        var calls = chunks.Skip(1).SkipLast(1).Select(c => Assert.Single(c["choices"]![0]!["delta"]!["tool_calls"]!.AsArray())!).ToList();
        AssertSameJson(JsonNode.Parse("""{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}"""), calls[0]);
        Assert.Equal("""{"city": "Paris"}""", string.Concat(calls.Skip(1).TakeWhile(c => c["id"] is null).Select(c => (string?)c["function"]!["arguments"])));
        Assert.All(calls.Skip(1).TakeWhile(c => c["id"] is null), c => Assert.Equal(0, (int)c["index"]!));
        var second = calls.Single(c => (string?)c["id"] == "call_b");
        Assert.Equal(1, (int)second["index"]!);
        Assert.Equal("tool_calls", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void Content_logprobs_ride_on_the_first_content_chunk()
    {
        var chunks = ReplayChunks(Assemble(SampleStreams.Logprobs), includeUsage: false, chunkChars: 2).Select(Parse).ToList();

        var withLogprobs = chunks.Where(c => c["choices"]![0]!["logprobs"] is not null).ToList();
        var only = Assert.Single(withLogprobs);
        Assert.Equal("Fo", (string?)only["choices"]![0]!["delta"]!["content"]);
        Assert.Equal(2, only["choices"]![0]!["logprobs"]!["content"]!.AsArray().Count);
        Assert.True(only["choices"]![0]!["logprobs"]!.AsObject().ContainsKey("refusal"));
    }

    [Fact]
    public void A_logprob_token_that_is_part_of_a_character_is_replayed_as_stored()
    {
        const string Token = """{"token":"\ud83d","logprob":-0.5,"bytes":[240,159],"top_logprobs":[]}""";
        var answer = Encoding.UTF8.GetBytes($$"""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x","refusal":null},"logprobs":{"content":[{{Token}}],"refusal":null},"finish_reason":"stop"}]}""");

        var chunks = ReplayChunks(answer, includeUsage: false).Select(c => Encoding.UTF8.GetString(c)).ToList();

        Assert.Contains(chunks, c => c.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public void A_pretty_printed_answer_as_OpenAI_sends_them_replays_as_one_line_chunks()
    {
        var pretty = JsonNode.Parse(Assemble(SampleStreams.Logprobs))!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.Contains('\n', pretty);

        var chunks = ReplayChunks(Encoding.UTF8.GetBytes(pretty), includeUsage: true);

        Assert.All(chunks, c => Assert.DoesNotContain((byte)'\n', c));
        Assert.Equal(2, Parse(chunks[1])["choices"]![0]!["logprobs"]!["content"]!.AsArray().Count);
        Assert.Equal(11, (int)Parse(chunks[^1])["usage"]!["total_tokens"]!);
    }

    [Fact]
    public void Choices_are_replayed_one_after_the_other_in_index_order()
    {
        var chunks = ReplayChunks(Assemble(SampleStreams.TwoChoices), includeUsage: false).Select(Parse).ToList();

        Assert.Equal([0, 0, 0, 1, 1, 1], chunks.Select(c => (int)c["choices"]![0]!["index"]!));
    }

    public static TheoryData<string, string> NotReplayable => new()
    {
        { "empty", "" },
        { "not JSON", "{\"id\":" },
        { "a second value after it", TextAnswer + " {}" },
        { "an array", "[]" },
        { "no choices", """{"id":"c","object":"chat.completion","created":1,"model":"m"}""" },
        { "an embeddings list", """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}],"model":"m"}""" },
        { "no finish_reason", Answer("""{"role":"assistant","content":"x","refusal":null}""", finish: "null") },
        { "content parts", Answer("""{"role":"assistant","content":[{"type":"text","text":"x"}],"refusal":null}""") },
        { "a custom tool call", Answer("""{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"c","type":"custom","custom":{"name":"f","input":"x"}}]}""") },
        { "a tool call without a name", Answer("""{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}""") },
        { "function_call", Answer("""{"role":"assistant","content":null,"refusal":null,"function_call":{"name":"f","arguments":"{}"}}""") },
        { "audio", Answer("""{"role":"assistant","content":null,"refusal":null,"audio":{"id":"a","expires_at":1,"data":"AAAA","transcript":"hi"}}""") },
        { "an escaped lone surrogate", Answer("""{"role":"assistant","content":"\ud83d","refusal":null}""") },
        { "logprobs content that is not a list", Answer("""{"role":"assistant","content":"x","refusal":null}""", logprobs: """{"content":5,"refusal":null}""") },
    };

    [Theory]
    [MemberData(nameof(NotReplayable))]
    public void A_stored_answer_a_stream_cannot_carry_is_refused_before_anything_is_written(string why, string stored)
    {
        var sink = new RecordingChunkSink();

        Assert.False(CompletionReplay.TryWrite(Encoding.UTF8.GetBytes(stored), sink, includeUsage: true), why);
        Assert.Empty(sink.Chunks);
    }

    [Fact]
    public void Chunks_of_fewer_than_two_chars_are_refused_as_options() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayOptions { ChunkChars = 1 });

    private static string Answer(string message, string finish = "\"stop\"", string logprobs = "null") => string.Create(
        CultureInfo.InvariantCulture,
        $$"""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{{message}},"logprobs":{{logprobs}},"finish_reason":{{finish}}}]}""");
}
