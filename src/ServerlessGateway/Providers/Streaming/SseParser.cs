using System.Buffers;
using System.Text;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// The one place that parses SSE framing (per the WHATWG event-stream rules): "data:"/"event:" fields,
/// comments, and \n, \r\n or \r line ends. Adapters map events; they never parse frames themselves.
/// </summary>
public sealed class SseParser
{
    private readonly ArrayBufferWriter<byte> joined = new(256);

    /// <summary>
    /// Reads one complete event from <paramref name="buffer"/> and slices it off. Returns false, leaving
    /// the buffer as it was, when the buffer holds no complete event yet.
    /// </summary>
    public bool TryReadEvent(ref ReadOnlySequence<byte> buffer, out SseEvent sseEvent)
    {
        var reader = new SequenceReader<byte>(buffer);
        var dataLines = 0;
        ReadOnlySequence<byte> firstData = default;
        string? eventType = null;
        joined.ResetWrittenCount();
        while (TryReadLine(ref reader, out var line))
        {
            if (line.IsEmpty)
            {
                if (dataLines == 0)
                {
                    // A blank line between events, or an event without data: WHATWG dispatches
                    // nothing and forgets its name.
                    eventType = null;
                    continue;
                }

                var data = dataLines <= 1 ? firstData : new ReadOnlySequence<byte>(joined.WrittenMemory);
                sseEvent = new SseEvent(data, eventType);
                buffer = buffer.Slice(reader.Position);
                return true;
            }

            var lineReader = new SequenceReader<byte>(line);
            if (lineReader.IsNext((byte)':'))
            {
                continue; // comment, e.g. ": keep-alive"
            }

            ReadOnlySequence<byte> field, value;
            if (lineReader.TryReadTo(out field, (byte)':'))
            {
                lineReader.IsNext((byte)' ', advancePast: true);
                value = lineReader.UnreadSequence;
            }
            else
            {
                field = line;
                value = default;
            }

            if (IsField(field, "data"u8))
            {
                if (dataLines == 1)
                {
                    Append(firstData);
                }

                if (dataLines >= 1)
                {
                    joined.Write("\n"u8);
                    Append(value);
                }

                firstData = dataLines == 0 ? value : firstData;
                dataLines++;
            }
            else if (IsField(field, "event"u8))
            {
                eventType = Encoding.UTF8.GetString(value);
            }
        }

        sseEvent = default;
        return false;
    }

    /// <summary>
    /// At the end of a stream, the last event even though its closing blank line never came (some
    /// upstreams end with "data: [DONE]" and close). Callers decide whether such an event counts.
    /// </summary>
    public bool TryReadFinalEvent(ReadOnlySequence<byte> rest, out SseEvent sseEvent)
    {
        sseEvent = default;
        if (rest.IsEmpty || rest.Length > 64 * 1024)
        {
            return false;
        }

        var terminated = new byte[rest.Length + 2];
        rest.CopyTo(terminated);
        terminated[^2] = (byte)'\n';
        terminated[^1] = (byte)'\n';
        var sequence = new ReadOnlySequence<byte>(terminated);
        return TryReadEvent(ref sequence, out sseEvent);
    }

    private void Append(ReadOnlySequence<byte> value)
    {
        foreach (var segment in value)
        {
            joined.Write(segment.Span);
        }
    }

    private static bool IsField(ReadOnlySequence<byte> field, ReadOnlySpan<byte> name) =>
        field.Length == name.Length && (field.IsSingleSegment ? field.FirstSpan.SequenceEqual(name) : field.ToArray().AsSpan().SequenceEqual(name));

    /// <summary>Reads a line without its terminator. A lone \r at the end of the buffer waits for more data.</summary>
    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        var start = reader.Position;
        line = default;
        if (!reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            return false;
        }

        var content = reader.Sequence.Slice(start, reader.Position);
        reader.TryRead(out var terminator);
        if (terminator == (byte)'\r')
        {
            if (reader.End)
            {
                return false;
            }

            reader.IsNext((byte)'\n', advancePast: true);
        }

        line = content;
        return true;
    }
}
