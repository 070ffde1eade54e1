using System.Buffers;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// An upstream that already speaks OpenAI: each chunk is relayed as it came, without re-serialisation;
/// only a chunk that mentions a non-null usage is parsed. The usage-only chunk the gateway asked for on
/// its own account is dropped when the caller did not ask for it; an error in place of a chunk is relayed and
/// ends the stream, failed. An optional normaliser fixes
/// upstreams whose chunks are not valid OpenAI chunks as sent (Azure).
/// </summary>
public sealed class OpenAIPassThroughMapper(bool callerWantsUsage, IStreamChunkNormalizer? normalizer = null) : IStreamEventMapper
{
    public TokenUsage? Usage { get; private set; }

    public bool IsEnd(in SseEvent sseEvent) => sseEvent.IsDone;

    public bool Map(in SseEvent sseEvent, IChunkSink sink)
    {
        if (sseEvent.IsDone)
        {
            return true;
        }

        var data = sseEvent.Data;
        if (normalizer is not null)
        {
            if (normalizer.Normalize(data) is not { } normalized)
            {
                return false;
            }

            data = normalized;
        }

        if (data.IsSingleSegment ? OpenAIUsageReader.MayCarryUsage(data.FirstSpan) : OpenAIUsageReader.MayCarryUsage(data.ToArray()))
        {
            if (OpenAIUsageReader.TryRead(data, out var found, out var choicesEmpty))
            {
                Usage = found;
                if (choicesEmpty && !callerWantsUsage)
                {
                    return false;
                }
            }
        }

        sink.Chunk(data);

        // OpenAI and compatible servers report a failure mid-stream as {"error":{...}} in place of a chunk: relayed
        // as it came, it is the stream's in-band error. A prefix check costs nothing on the chunks that are not.
        Failed = data.FirstSpan.StartsWith("{\"error\""u8);
        return false;
    }

    public bool Failed { get; private set; }
}
