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

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => writer.FlushAsync(cancellationToken);
}
