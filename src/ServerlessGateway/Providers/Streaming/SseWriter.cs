using System.Buffers;
using System.IO.Pipelines;

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
