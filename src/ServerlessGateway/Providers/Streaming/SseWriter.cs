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
            writer.Write(segment.Span);
        }

        writer.Write("\n\n"u8);
    }

    public static void WriteData(PipeWriter writer, ReadOnlySpan<byte> data)
    {
        writer.Write("data: "u8);
        writer.Write(data);
        writer.Write("\n\n"u8);
    }

    public static void WriteDone(PipeWriter writer) => writer.Write("data: [DONE]\n\n"u8);

    /// <summary>A comment line keeps idle connections open through proxies (the Functions host drops them after 240 s).</summary>
    public static void WriteKeepAlive(PipeWriter writer) => writer.Write(": keep-alive\n\n"u8);
}
