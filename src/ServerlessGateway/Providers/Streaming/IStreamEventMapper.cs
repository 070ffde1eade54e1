using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// Turns an upstream's stream events into OpenAI chunks. One per stream (it may keep state, such as a
/// tool call's index or the usage so far). The relay around it owns reading, time-outs and errors.
/// </summary>
public interface IStreamEventMapper
{
    /// <summary>Writes what <paramref name="sseEvent"/> means to the sink; returns true when it was the upstream's end of stream.</summary>
    bool Map(in SseEvent sseEvent, IChunkSink sink);

    /// <summary>Whether an event is the end marker (checked on a last event whose closing blank line never came).</summary>
    bool IsEnd(in SseEvent sseEvent);

    /// <summary>The usage reported so far, normalised.</summary>
    TokenUsage? Usage { get; }
}
