using System.Buffers;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// Fixes one chunk of an upstream whose streams are OpenAI-like but not valid OpenAI chunks as sent.
/// The relay uses one only for such upstreams; OpenAI and compatible streams pass through unexamined.
/// </summary>
public interface IStreamChunkNormalizer
{
    /// <summary>
    /// The chunk's data to relay: <paramref name="data"/> itself when it is already valid (no copy),
    /// a corrected copy, or null when the chunk has nothing for an OpenAI client and is dropped.
    /// </summary>
    ReadOnlySequence<byte>? Normalize(ReadOnlySequence<byte> data);
}
