using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ServerlessGateway.Caching.Replay;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Caching;

/// <summary>
/// What may be stored: a chat completion that replays as a stream (the key leaves out "stream", so a later streaming
/// request may be served it: one that cannot be replayed would fail every such request for its whole TTL), or an
/// embeddings list. A 200 that carries an error, or anything else, is not an answer to keep. Checked by the writer,
/// off the request path.
/// </summary>
public static class StorableAnswer
{
    public static bool Check(byte[] response)
    {
        try
        {
            using var document = JsonDocument.Parse(response);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null))
            {
                return false;
            }

            if (root.TryGetProperty("choices", out _))
            {
                return CompletionReplay.TryWrite(response, DiscardingSink.Instance, includeUsage: true);
            }

            return root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class DiscardingSink : IChunkSink
    {
        public static readonly DiscardingSink Instance = new();

        public void Chunk(ReadOnlySequence<byte> chunk)
        {
        }

        public void Done()
        {
        }

        public void Error(GatewayError error)
        {
        }

        public void KeepAlive()
        {
        }

        public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(default(FlushResult));
    }
}
