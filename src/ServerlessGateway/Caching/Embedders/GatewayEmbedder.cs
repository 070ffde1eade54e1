using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ServerlessGateway.Caching.Semantic;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Caching.Embedders;

/// <summary>
/// The production embedder: this gateway's own POST /v1/embeddings, over loopback, with the key and the logical model
/// configured in Gateway:Caching:Semantic. Going through the front door means the embedding call is routed, failed over,
/// rate-limited, priced and recorded like any other (billed to that key), with no second code path to keep in step.
/// The same text's embedding is itself answered from the exact cache (embeddings are deterministic). Fails open: any failure is a null vector, which the cache treats as a miss.
/// </summary>
public sealed partial class GatewayEmbedder(IServer server, IHttpClientFactory clients, GatewayConfigStore config, EnvironmentReferences environment, ILogger<GatewayEmbedder> logger)
    : IEmbedder
{
    public const string ClientName = "gateway-embedder";

    public string Name => EmbedderNames.Gateway;

    public async ValueTask<float[]?> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var options = config.Current.Caching.Semantic;
        if (BaseAddress() is not { } address || options.EmbeddingModel is null || environment.Resolve(options.EmbeddingKey, out _) is not { Length: > 0 } key)
        {
            return null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "v1/embeddings"))
            {
                Content = JsonContent.Create(new EmbeddingCall(options.EmbeddingModel, text), EmbedderJsonContext.Default.EmbeddingCall),
            };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogFailed(logger, (int)response.StatusCode);
                return null;
            }

            var answer = await response.Content.ReadFromJsonAsync(EmbedderJsonContext.Default.EmbeddingAnswer, cancellationToken);
            return answer?.Data is [{ Embedding: { Length: > 0 } vector }, ..] ? Normalized(vector) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, ex);
            return null;
        }
    }

    private static float[] Normalized(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private Uri? BaseAddress()
    {
        var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return first is null ? null : new Uri(first.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway embedder's call to /v1/embeddings failed with status {Status}; semantic lookups miss")]
    private static partial void LogFailed(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway embedder is unavailable; semantic lookups miss")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}

public sealed record EmbeddingCall(string Model, string Input);

public sealed record EmbeddingAnswer(List<EmbeddingItem>? Data);

public sealed record EmbeddingItem(float[]? Embedding);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EmbeddingCall))]
[System.Text.Json.Serialization.JsonSerializable(typeof(EmbeddingAnswer))]
internal sealed partial class EmbedderJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
