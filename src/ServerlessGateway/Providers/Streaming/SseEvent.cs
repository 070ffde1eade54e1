using System.Buffers;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// One server-sent event. <see cref="Data"/> points into the reader's buffer and is valid only until
/// the reader is advanced, which is why events are handled synchronously as they are parsed.
/// </summary>
public readonly struct SseEvent(ReadOnlySequence<byte> data, string? eventType)
{
    public ReadOnlySequence<byte> Data { get; } = data;

    /// <summary>The "event:" field, when the stream names its events (Anthropic does; OpenAI does not).</summary>
    public string? EventType { get; } = eventType;

    /// <summary>The data is exactly "[DONE]", wherever the buffer's segments happen to split it.</summary>
    public bool IsDone => Data.Length == 6 && (Data.IsSingleSegment ? Data.FirstSpan.SequenceEqual("[DONE]"u8) : IsDoneAcrossSegments(Data));

    private static bool IsDoneAcrossSegments(ReadOnlySequence<byte> data)
    {
        Span<byte> bytes = stackalloc byte[6];
        data.CopyTo(bytes);
        return bytes.SequenceEqual("[DONE]"u8);
    }
}
