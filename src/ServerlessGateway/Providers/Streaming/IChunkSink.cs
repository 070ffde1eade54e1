using System.Buffers;
using System.IO.Pipelines;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// Where a streamed answer goes, as OpenAI chat.completion.chunk JSON: straight to an OpenAI caller as
/// SSE, or through a translator to a caller that speaks another API. Providers and mappers write to
/// this; only the sink knows the caller's wire format.
/// </summary>
public interface IChunkSink
{
    /// <summary>One chat.completion.chunk (JSON bytes).</summary>
    void Chunk(ReadOnlySequence<byte> chunk);

    /// <summary>The answer is complete.</summary>
    void Done();

    /// <summary>The answer broke after it started: an in-band error, and no clean end.</summary>
    void Error(GatewayError error);

    /// <summary>Nothing to say yet, but the connection must not look idle.</summary>
    void KeepAlive();

    /// <summary>
    /// An upstream event already in the caller's API (native pass-through of a <see cref="CallerApiRequest"/>),
    /// written as it came, its event name included; <see cref="Done"/> then adds no end of its own. A sink
    /// for OpenAI callers only ever gets OpenAI events, which are chunks.
    /// </summary>
    void Relay(in SseEvent sseEvent) => Chunk(sseEvent.Data);

    ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken);
}
