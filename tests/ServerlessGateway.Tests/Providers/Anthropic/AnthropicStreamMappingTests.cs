using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// Anthropic stream events → OpenAI chunks. Each golden file in Golden/streams holds the options, an
/// Anthropic SSE stream and what an OpenAI caller must get: one chunk per line, then "[DONE]" when the
/// mapper reported the end, "error: {…}" for an in-band error, or "(no end)" when it never did. The
/// events are read by the gateway's own SSE parser, as the relay reads them.
/// </summary>
public sealed class AnthropicStreamMappingTests
{
    private const string Deployment = "anthropic/claude-sonnet-4-20250514";

    public static IEnumerable<TheoryDataRow<string>> Cases() => Golden.Cases("streams", ".txt");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Anthropic_stream_becomes_the_golden_OpenAI_chunks(string name)
    {
        var (options, anthropic, expected) = ReadCase(Golden.Read("streams", name + ".txt"));
        var answerKind = options.Contains("wrapped_json_answer") ? AnthropicJsonAnswer.Kind.WrappedJsonSchema
            : options.Contains("json_answer") ? AnthropicJsonAnswer.Kind.JsonSchema
            : AnthropicJsonAnswer.Kind.None;
        var mapper = new AnthropicStreamMapper(Deployment, "claude-sonnet-4-20250514", options.Contains("include_usage"), answerKind, AnthropicResponseMappingTests.Created);

        var actual = Run(mapper, anthropic);

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].StartsWith('{'))
            {
                Golden.AssertJsonEqual(JsonNode.Parse(expected[i]), JsonNode.Parse(actual[i]), $"{name}, chunk {i}");
            }
            else if (expected[i].StartsWith("error: ", StringComparison.Ordinal))
            {
                Assert.StartsWith("error: ", actual[i], StringComparison.Ordinal);
                Golden.AssertJsonEqual(JsonNode.Parse(expected[i][7..]), JsonNode.Parse(actual[i][7..]), $"{name}, error");
            }
            else
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }

    [Fact]
    public void Usage_is_counted_whether_or_not_the_caller_asked_for_it()
    {
        var (_, anthropic, _) = ReadCase(Golden.Read("streams", "text-without-usage.txt"));
        var mapper = new AnthropicStreamMapper(Deployment, "m", callerWantsUsage: false, AnthropicJsonAnswer.Kind.None, 0);

        Run(mapper, anthropic);

        Assert.Equal(new global::ServerlessGateway.Accounting.TokenUsage(1025, 9, CachedInputTokens: 1000), mapper.Usage);
    }

    [Fact]
    public void After_an_error_event_the_end_marker_no_longer_counts()
    {
        var mapper = new AnthropicStreamMapper(Deployment, "m", false, AnthropicJsonAnswer.Kind.None, 0);
        var sink = new RecordingSink();
        mapper.Map(Event("""{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"""), sink);

        Assert.False(mapper.Map(Event("""{"type":"message_stop"}"""), sink));
        Assert.False(mapper.IsEnd(Event("""{"type":"message_stop"}""")));
        Assert.Single(sink.Events);
        Assert.Contains("Internal server error", sink.Events[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[12345, 67890]""")]
    [InlineData("""{"a": {"b": [1, {"c": "}"}]}, "d": " } "}""")]
    [InlineData("\"a string with } and spaces \"")]
    [InlineData("42")]
    [InlineData("null")]
    public void A_wrapped_answer_is_unwrapped_however_its_input_is_split(string value)
    {
        var input = "{\"value\": " + value + "}";
        for (var first = 0; first <= input.Length; first++)
        {
            for (var second = first; second <= input.Length; second += 3)
            {
                var unwrapper = new WrappedAnswerReader();
                var output = unwrapper.Push(input[..first]) + unwrapper.Push(input[first..second]) + unwrapper.Push(input[second..]) + unwrapper.Finish();
                Assert.Equal(value, output);
            }
        }
    }

    /// <summary>Feeds the stream through SseParser and the mapper the way SseStreamRelay does, recording what the sink got.</summary>
    private static List<string> Run(AnthropicStreamMapper mapper, string anthropic)
    {
        var sink = new RecordingSink();
        var parser = new SseParser();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(anthropic));
        while (parser.TryReadEvent(ref buffer, out var sseEvent))
        {
            if (mapper.Map(sseEvent, sink))
            {
                sink.Events.Add("[DONE]");
                return sink.Events;
            }
        }

        sink.Events.Add(parser.TryReadFinalEvent(buffer, out var last) && mapper.IsEnd(last) ? "[DONE]" : "(no end)");
        return sink.Events;
    }

    private static SseEvent Event(string data) => new(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(data)), null);

    private static (string[] Options, string Anthropic, List<string> OpenAI) ReadCase(string text)
    {
        text = text.ReplaceLineEndings("\n");
        var options = text.Split('\n').Single(l => l.StartsWith("options:", StringComparison.Ordinal))["options:".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var anthropicStart = text.IndexOf("--- anthropic\n", StringComparison.Ordinal) + "--- anthropic\n".Length;
        var openAIStart = text.IndexOf("--- openai\n", StringComparison.Ordinal);
        var openAI = text[(openAIStart + "--- openai\n".Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        return (options, text[anthropicStart..openAIStart], openAI);
    }

    private sealed class RecordingSink : IChunkSink
    {
        public List<string> Events { get; } = [];

        public void Chunk(ReadOnlySequence<byte> chunk) => Events.Add(Encoding.UTF8.GetString(chunk));

        public void Done() => Events.Add("[DONE]");

        public void Error(GatewayError error) => Events.Add("error: " + Encoding.UTF8.GetString(error.ToJsonBytes()));

        public void KeepAlive()
        {
        }

        public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new FlushResult(false, false));
    }
}
