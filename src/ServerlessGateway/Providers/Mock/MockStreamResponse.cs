using Microsoft.AspNetCore.Http;
using ServerlessGateway.Configuration;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.Mock;

/// <summary>The mock's stream: role first, the answer a few words per chunk, finish_reason, usage if asked, [DONE].</summary>
internal sealed class MockStreamResponse(MockReply reply, MockOptions options, bool includeUsage, TimeProvider time) : UpstreamResponse
{
    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        SseResponse.Start(response);
        var writer = response.BodyWriter;
        var pieces = reply.ToolName is null ? MockText.Chunks(reply.Text, options.WordsPerChunk) : [""];
        for (var choice = 0; choice < reply.Choices; choice++)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                if (options.ChunkDelayMs > 0 && (i > 0 || choice > 0))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.ChunkDelayMs), time, cancellationToken);
                }

                SseWriter.WriteData(writer, MockJson.Chunk(reply, choice, pieces[i], first: i == 0, last: i == pieces.Count - 1));
                await writer.FlushAsync(cancellationToken);
            }
        }

        if (includeUsage)
        {
            SseWriter.WriteData(writer, MockJson.UsageChunk(reply));
        }

        SseWriter.WriteDone(writer);
        await writer.FlushAsync(cancellationToken);
        return new RelayOutcome(reply.Usage, Completed: true);
    }
}
