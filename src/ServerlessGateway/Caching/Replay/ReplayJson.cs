using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>Reader and writer pieces shared by the stream assembler and the replay.</summary>
internal static class ReplayJson
{
    // Answers are JSON served as JSON, never HTML: keep the model's text as it was instead of \u-escaping non-ASCII.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Appends the unescaped UTF-8 of the string token the reader is on. An escaped lone surrogate throws
    /// <see cref="InvalidOperationException"/>: text that is not valid Unicode is not worth keeping.
    /// </summary>
    /// <returns>How many bytes were appended.</returns>
    public static int AppendString(ref Utf8JsonReader reader, ArrayBufferWriter<byte> into)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            into.Write(reader.ValueSpan);
            return reader.ValueSpan.Length;
        }

        // Unescaping never makes a string longer.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var written = reader.CopyString(into.GetSpan(length));
        into.Advance(written);
        return written;
    }

    /// <summary>
    /// Appends the value the reader is on exactly as it was written (already checked as JSON by the reader),
    /// leaving the reader on the value's last token.
    /// </summary>
    /// <param name="source">The whole document the reader reads: token positions count from its start.</param>
    /// <returns>How many bytes were appended.</returns>
    public static int AppendRaw(ref Utf8JsonReader reader, ReadOnlySequence<byte> source, ArrayBufferWriter<byte> into)
    {
        var start = reader.TokenStartIndex;
        reader.Skip();
        var raw = source.Slice(start, reader.BytesConsumed - start);
        foreach (var segment in raw)
        {
            into.Write(segment.Span);
        }

        return checked((int)raw.Length);
    }

    /// <summary>The value after the property name the reader is on, when it is a non-empty string; anything else is skipped.</summary>
    public static string? ReadStringValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueSpan.IsEmpty && !reader.HasValueSequence ? null : reader.GetString();
        }

        reader.Skip();
        return null;
    }
}
