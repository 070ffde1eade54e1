using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Caching.Replay;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Caching;

/// <summary>
/// Wraps the caller's format on a cache miss to keep a copy of what was sent: a complete answer as it is, a stream
/// assembled into the chat.completion it amounts to. Only a 200 answer or a stream that reached its clean end is
/// kept; anything that failed, or broke off, leaves nothing to store.
/// </summary>
public sealed class RecordingFormat(ICallerFormat inner, int maxBytes) : ICallerFormat
{
    private byte[]? answer;
    private RecordingSink? sink;

    /// <summary>The answer to store, or null; a stream's is assembled by this call.</summary>
    public byte[]? Answer() => answer ?? sink?.Build();

    /// <summary>The answer is the upstream's JSON as it came (not one assembled here from a stream).</summary>
    public bool AnswerAsSent => answer is not null;

    public Task WriteErrorAsync(HttpResponse response, GatewayError error) => inner.WriteErrorAsync(response, error);

    public Task WriteFailureAsync(HttpResponse response, UpstreamFailure failure) => inner.WriteFailureAsync(response, failure);

    public Task WriteAnswerAsync(HttpResponse response, int status, ReadOnlyMemory<byte> answer, CancellationToken cancellationToken)
    {
        if (status == StatusCodes.Status200OK && answer.Length <= maxBytes)
        {
            this.answer = answer.ToArray();
        }

        return inner.WriteAnswerAsync(response, status, answer, cancellationToken);
    }

    public IChunkSink StartStream(HttpResponse response) => sink = new RecordingSink(inner.StartStream(response), maxBytes);

    public Task WriteStreamErrorAsync(HttpResponse response, GatewayError error)
    {
        sink?.Error(error);
        return inner.WriteStreamErrorAsync(response, error);
    }

    private sealed class RecordingSink(IChunkSink inner, int maxBytes) : IChunkSink
    {
        private readonly StreamAssembler assembler = new(maxBytes);
        private bool done, failed;

        public byte[]? Build() => done && !failed ? assembler.Build() : null;

        public void Chunk(ReadOnlySequence<byte> chunk)
        {
            try
            {
                assembler.Add(chunk);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failed = true; // the caller's stream goes on; only the copy for the cache is given up
            }

            inner.Chunk(chunk);
        }

        public void Done()
        {
            done = true;
            inner.Done();
        }

        public void Error(GatewayError error)
        {
            failed = true;
            inner.Error(error);
        }

        public void KeepAlive() => inner.KeepAlive();

        public void Relay(in SseEvent sseEvent)
        {
            failed = true; // an event in the caller's own API is not an OpenAI chunk: nothing to assemble
            inner.Relay(sseEvent);
        }

        public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    }
}
