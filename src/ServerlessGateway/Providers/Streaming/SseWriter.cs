using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>The one place that writes SSE frames; writes go straight into the response's pipe.</summary>
public static class SseWriter
{
    public static void WriteData(PipeWriter writer, ReadOnlySequence<byte> data)
    {
        writer.Write("data: "u8);
        foreach (var segment in data)
        {
            WriteLines(writer, segment.Span);
        }

        writer.Write("\n\n"u8);
    }

    public static void WriteData(PipeWriter writer, ReadOnlySpan<byte> data)
    {
        writer.Write("data: "u8);
        WriteLines(writer, data);
        writer.Write("\n\n"u8);
    }

    /// <summary>
    /// A named event ("event: name" then the data), for APIs whose clients dispatch on the name (Anthropic).
    /// The name is one of the caller API's constants or a name the SSE parser read, so it has no line end.
    /// </summary>
    public static void WriteEvent(PipeWriter writer, ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data)
    {
        WriteEventLine(writer, eventType);
        WriteData(writer, data);
    }

    /// <inheritdoc cref="WriteEvent(PipeWriter, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public static void WriteEvent(PipeWriter writer, string eventType, ReadOnlySequence<byte> data)
    {
        writer.Write("event: "u8);
        writer.Advance(Encoding.UTF8.GetBytes(eventType, writer.GetSpan(Encoding.UTF8.GetMaxByteCount(eventType.Length))));
        writer.Write("\n"u8);
        WriteData(writer, data);
    }

    private static void WriteEventLine(PipeWriter writer, ReadOnlySpan<byte> eventType)
    {
        writer.Write("event: "u8);
        writer.Write(eventType);
        writer.Write("\n"u8);
    }

    /// <summary>
    /// A line end inside the data would end the field: each line of multi-line data (the parser joins
    /// a multi-line event with \n) goes out as its own "data:" line, which the reader joins again.
    /// </summary>
    private static void WriteLines(PipeWriter writer, ReadOnlySpan<byte> data)
    {
        int newline;
        while ((newline = data.IndexOf((byte)'\n')) >= 0)
        {
            writer.Write(data[..newline]);
            writer.Write("\ndata: "u8);
            data = data[(newline + 1)..];
        }

        writer.Write(data);
    }

    public static void WriteDone(PipeWriter writer) => writer.Write("data: [DONE]\n\n"u8);

    /// <summary>A comment line keeps idle connections open through proxies (the Functions host drops them after 240 s).</summary>
    public static void WriteKeepAlive(PipeWriter writer) => writer.Write(": keep-alive\n\n"u8);
}
