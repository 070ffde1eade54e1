using Microsoft.AspNetCore.Http;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The API the caller speaks, for everything the gateway writes back: complete answers, streams and
/// errors. Providers always produce OpenAI-format answers and chunks; a format for another API (such
/// as Anthropic's Messages API) translates them on the way out.
/// </summary>
public interface ICallerFormat
{
    Task WriteErrorAsync(HttpResponse response, GatewayError error);

    /// <summary>An upstream's failure (its own OpenAI-shaped body may be relayed as it is).</summary>
    Task WriteFailureAsync(HttpResponse response, UpstreamFailure failure);

    /// <summary>A complete OpenAI answer (chat completion or embeddings list).</summary>
    Task WriteAnswerAsync(HttpResponse response, int status, ReadOnlyMemory<byte> answer, CancellationToken cancellationToken);

    /// <summary>Starts a streamed answer (status and headers) and returns where its chunks go.</summary>
    IChunkSink StartStream(HttpResponse response);

    /// <summary>Ends a stream that already started with an in-band error, outside any sink (an unexpected failure).</summary>
    Task WriteStreamErrorAsync(HttpResponse response, GatewayError error) => SseResponse.WriteErrorAsync(response, error, CancellationToken.None);
}
