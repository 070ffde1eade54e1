using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>What the gateway reads of Anthropic traffic it relays untranslated: usage, the end, errors.</summary>
public sealed class AnthropicPassThroughTests
{
    [Fact]
    public void Every_event_is_relayed_as_it_came_and_usage_is_read_from_message_start_and_message_delta()
    {
        var mapper = new AnthropicPassThroughMapper("d");
        var stream = AnthropicTestWire.TextStream("Hi");

        var (relayed, ended) = Run(mapper, stream);

        Assert.True(ended);
        Assert.False(mapper.Failed);
        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], relayed.Select(e => e.Name));
        Assert.Equal("""{"type": "ping"}""", relayed[2].Data);

        // message_start: 15 input (+5 cache read); message_delta: 9 output.
        Assert.Equal(new TokenUsage(20, 9, 5, 0), mapper.Usage);
    }

    [Fact]
    public void Usage_that_message_delta_sends_again_replaces_the_earlier_counts()
    {
        var mapper = new AnthropicPassThroughMapper("d");
        var stream = AnthropicTestWire.Event("message_start", """{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"output_tokens":1}}}""")
            + AnthropicTestWire.Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":50,"cache_creation_input_tokens":7,"output_tokens":4}}""")
            + AnthropicTestWire.Event("message_stop", """{"type":"message_stop"}""");

        Run(mapper, stream);

        Assert.Equal(new TokenUsage(57, 4, 0, 7), mapper.Usage);
    }

    [Fact]
    public void Events_without_a_name_are_told_apart_by_their_type()
    {
        var mapper = new AnthropicPassThroughMapper("d");

        var (relayed, ended) = Run(mapper, "data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":2}}}\n\ndata: {\"type\":\"message_stop\"}\n\n");

        Assert.True(ended);
        Assert.Equal([null, null], relayed.Select(e => e.Name));
        Assert.Equal(2, mapper.Usage?.InputTokens);
    }

    [Fact]
    public void An_error_event_is_relayed_and_fails_the_stream()
    {
        var mapper = new AnthropicPassThroughMapper("d");
        var stream = AnthropicTestWire.TextStream("Hi");
        stream = stream[..stream.IndexOf("event: content_block_stop", StringComparison.Ordinal)]
            + AnthropicTestWire.Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

        var (relayed, ended) = Run(mapper, stream);

        Assert.False(ended);
        Assert.True(mapper.Failed);
        Assert.Equal("error", relayed[^1].Name);
        Assert.Equal("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", relayed[^1].Data);
    }

    [Theory]
    [InlineData("overloaded_error", 529, FailureAction.TryNextDeployment)]
    [InlineData("rate_limit_error", 429, FailureAction.TryNextDeployment)]
    [InlineData("api_error", 500, FailureAction.TryNextDeployment)]
    [InlineData("invalid_request_error", 400, FailureAction.ReturnToCaller)]
    public void An_error_as_the_first_event_fails_the_attempt_keeping_Anthropics_body_type_and_status(string type, int status, FailureAction action)
    {
        var data = $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"It failed."}}""";

        var failure = new AnthropicPassThroughMapper("d").CheckFirstEvent(Event("error", data));
        var translated = new AnthropicStreamMapper("d", "m", false, AnthropicJsonAnswer.Kind.None, 0).CheckFirstEvent(Event("error", data));

        Assert.NotNull(failure);
        Assert.Equal((status, type, action), (failure.Error.Status, failure.Error.Type, failure.Action));
        Assert.Equal(data, Encoding.UTF8.GetString(failure.CallerApiBody.Span));

        // For an OpenAI caller: the status its clients know (529 → 503), Anthropic's type as the code.
        Assert.NotNull(translated);
        Assert.Equal((status == 529 ? 503 : status, type, action), (translated.Error.Status, translated.Error.Code, translated.Action));
        Assert.Equal("It failed.", translated.Error.Message);
    }

    [Fact]
    public void A_first_event_that_starts_an_answer_is_no_failure()
    {
        var start = Event("message_start", """{"type":"message_start","message":{"id":"m"}}""");

        Assert.Null(new AnthropicPassThroughMapper("d").CheckFirstEvent(start));
        Assert.Null(new AnthropicStreamMapper("d", "m", false, AnthropicJsonAnswer.Kind.None, 0).CheckFirstEvent(start));
    }

    [Fact]
    public void An_error_answer_keeps_its_status_type_body_and_retry_after()
    {
        var body = Encoding.UTF8.GetBytes(AnthropicTestWire.Error("overloaded_error", "Overloaded"));
        var hints = new ProviderRateHints { RetryAfter = TimeSpan.FromSeconds(3) };

        var failure = AnthropicPassThrough.Failure(529, hints, body, "d");
        var notAnthropic = AnthropicPassThrough.Failure(502, hints, "<html>Bad gateway</html>"u8.ToArray(), "d");

        Assert.Equal((529, "overloaded_error", 3, FailureAction.TryNextDeployment), (failure.Error.Status, failure.Error.Type, failure.Error.RetryAfterSeconds, failure.Action));
        Assert.Equal(body, failure.CallerApiBody.ToArray());
        Assert.Equal(502, notAnthropic.Error.Status);
        Assert.True(notAnthropic.CallerApiBody.IsEmpty);
        Assert.Contains("Bad gateway", notAnthropic.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_answers_usage_is_read_and_anything_but_a_JSON_object_is_refused()
    {
        var usage = AnthropicPassThrough.ReadUsage(Encoding.UTF8.GetBytes(AnthropicTestWire.Message("Hi", input: 10, output: 2, cacheRead: 30)));

        Assert.Equal(new TokenUsage(40, 2, 30, 0), usage);
        Assert.Null(AnthropicPassThrough.ReadUsage("""{"id":"m","content":[]}"""u8));
        Assert.Throws<JsonException>(() => AnthropicPassThrough.ReadUsage("""["not","a","message"]"""u8));
        Assert.ThrowsAny<JsonException>(() => AnthropicPassThrough.ReadUsage("""{"usage":{"input_tokens":1}} trailing"""u8));
    }

    /// <summary>Feeds the stream through SseParser and the mapper the way SseStreamRelay does; returns what was relayed and whether the end came.</summary>
    private static (List<(string? Name, string Data)> Relayed, bool Ended) Run(AnthropicPassThroughMapper mapper, string stream)
    {
        var sink = new RelaySink();
        var parser = new SseParser();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(stream));
        while (!mapper.Failed && parser.TryReadEvent(ref buffer, out var sseEvent))
        {
            if (mapper.Map(sseEvent, sink))
            {
                return (sink.Relayed, true);
            }
        }

        return (sink.Relayed, false);
    }

    private static SseEvent Event(string name, string data) => new(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(data)), name);

    private sealed class RelaySink : IChunkSink
    {
        public List<(string? Name, string Data)> Relayed { get; } = [];

        public void Relay(in SseEvent sseEvent) => Relayed.Add((sseEvent.EventType, Encoding.UTF8.GetString(sseEvent.Data)));

        public void Chunk(ReadOnlySequence<byte> chunk) => throw new InvalidOperationException("a pass-through stream writes no OpenAI chunks");

        public void Done()
        {
        }

        public void Error(GatewayError error) => throw new InvalidOperationException("a pass-through stream relays Anthropic's own errors");

        public void KeepAlive()
        {
        }

        public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new FlushResult(false, false));
    }
}
