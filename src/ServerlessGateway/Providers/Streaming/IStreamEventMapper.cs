using ServerlessGateway.Accounting;
using ServerlessGateway.Resilience;

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

    /// <summary>
    /// True for upstreams without an end marker (Gemini): their answer ends when they close the stream, so
    /// the relay calls <see cref="Close"/> at a clean close instead of looking for the marker.
    /// </summary>
    bool EndsAtClose => false;

    /// <summary>
    /// For an upstream that <see cref="EndsAtClose"/>, at a clean close: writes what the answer still owes
    /// (such as the usage chunk) and returns whether the events mapped so far make a complete answer. False
    /// (a cut stream, reported in-band) when the close came before the answer's end.
    /// </summary>
    bool Close(IChunkSink sink) => false;

    /// <summary>
    /// True once the upstream reported an error in the stream and the mapper wrote it to the sink as the
    /// stream's in-band error: the relay ends the stream there, incomplete, without an error of its own
    /// (the caller gets exactly one).
    /// </summary>
    bool Failed => false;

    /// <summary>
    /// Looks at the stream's first event before anything is sent to the caller: a failure here (such as an
    /// upstream that answered 200 and then reported overload as its first event) is an attempt that failed,
    /// so the pipeline can still move to the next deployment. Null for an event that starts an answer.
    /// </summary>
    UpstreamFailure? CheckFirstEvent(in SseEvent sseEvent) => null;
}
