using Microsoft.AspNetCore.Http;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Pipeline;

/// <summary>An OpenAI caller: answers and chunks go out as they came from an OpenAI-format upstream.</summary>
public sealed class OpenAICallerFormat : ICallerFormat
{
    public static OpenAICallerFormat Instance { get; } = new();

    public Task WriteErrorAsync(HttpResponse response, GatewayError error) => error.WriteAsync(response);

    public async Task WriteFailureAsync(HttpResponse response, UpstreamFailure failure)
    {
        if (failure.UpstreamBody.IsEmpty)
        {
            await failure.Error.WriteAsync(response);
            return;
        }

        // The upstream's own OpenAI-shaped error, status and message kept as they were.
        await JsonResponse.WriteAsync(response, failure.Error.Status, failure.UpstreamBody, failure.Error.RetryAfterSeconds);
    }

    public Task WriteAnswerAsync(HttpResponse response, int status, ReadOnlyMemory<byte> answer, CancellationToken cancellationToken) =>
        JsonResponse.WriteAsync(response, status, answer, cancellationToken: cancellationToken);

    public IChunkSink StartStream(HttpResponse response)
    {
        SseResponse.Start(response);
        return new OpenAISseSink(response.BodyWriter);
    }
}
