using System.Buffers;
using System.IO.Pipelines;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>An OpenAI caller's stream: each chunk as "data: {json}", then "data: [DONE]".</summary>
public sealed class OpenAISseSink(PipeWriter writer) : IChunkSink
{
    public void Chunk(ReadOnlySequence<byte> chunk) => SseWriter.WriteData(writer, chunk);

    public void Done() => SseWriter.WriteDone(writer);

    public void Error(GatewayError error) => SseWriter.WriteData(writer, error.ToJsonBytes());

    public void KeepAlive() => SseWriter.WriteKeepAlive(writer);

    /// <summary>An OpenAI event from an OpenAI upstream is a chunk like any other.</summary>
    public void Relay(in SseEvent sseEvent) => SseWriter.WriteData(writer, sseEvent.Data);

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => writer.FlushAsync(cancellationToken);
}
