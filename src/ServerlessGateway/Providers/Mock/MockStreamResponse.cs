using System.Buffers;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Providers.Mock;

/// <summary>The mock's stream: role first, the answer a few words per chunk, finish_reason, usage if asked, [DONE].</summary>
internal sealed class MockStreamResponse(MockReply reply, MockOptions options, bool includeUsage, TimeProvider time) : UpstreamResponse
{
    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken)
    {
        var sink = format.StartStream(response);
        var pieces = reply.ToolName is null ? MockText.Chunks(reply.Text, options.WordsPerChunk) : [""];
        for (var choice = 0; choice < reply.Choices; choice++)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                if (options.ChunkDelayMs > 0 && (i > 0 || choice > 0))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.ChunkDelayMs), time, cancellationToken);
                }

                sink.Chunk(new ReadOnlySequence<byte>(MockJson.Chunk(reply, choice, pieces[i], first: i == 0, last: i == pieces.Count - 1)));
                await sink.FlushAsync(cancellationToken);
            }
        }

        if (includeUsage)
        {
            sink.Chunk(new ReadOnlySequence<byte>(MockJson.UsageChunk(reply)));
        }

        sink.Done();
        await sink.FlushAsync(cancellationToken);
        return new RelayOutcome(reply.Usage, Completed: true);
    }
}
