using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>Keeps a copy of every chunk written to it (the writer reuses its buffer), and whether the stream was ended.</summary>
internal sealed class RecordingChunkSink : IChunkSink
{
    public List<byte[]> Chunks { get; } = [];

    public bool Ended { get; private set; }

    public IEnumerable<string> Texts => Chunks.Select(c => Encoding.UTF8.GetString(c));

    public void Chunk(ReadOnlySequence<byte> chunk) => Chunks.Add(chunk.ToArray());

    public void Done() => Ended = true;

    public void Error(GatewayError error) => Ended = true;

    public void KeepAlive()
    {
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new FlushResult(false, false));
}
