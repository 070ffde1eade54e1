using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// Sending to an OpenAI-wire-format upstream over pooled HTTP connections: the request body is
/// forwarded with its edits, a JSON answer is read whole (so a failure can still fail over), and a
/// stream is relayed once its first event has arrived. Subclasses only add their authentication.
/// </summary>
public abstract class HttpProviderAdapter(IHttpClientFactory clients, TimeProvider time) : IProviderAdapter
{
    // One client for the adapter's lifetime: its handler is never recycled (see AddGateway), so there is
    // nothing to gain from asking the factory per request, and it saves an allocation each time.
    private readonly HttpClient client = clients.CreateClient(ClientName);

    public const string ClientName = "upstream";

    /// <summary>Upper bound for a non-streamed answer (embeddings of many inputs can be tens of MB).</summary>
    private const long MaxResponseBytes = 256L * 1024 * 1024;
    private const long MaxErrorBytes = 64 * 1024;
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    public abstract string ProviderType { get; }

    /// <summary>For upstreams whose stream chunks must be corrected before an OpenAI client sees them; null for most.</summary>
    protected virtual IStreamChunkNormalizer? StreamNormalizer => null;

    protected abstract ValueTask AuthorizeAsync(HttpRequestMessage request, ProviderRuntime provider, CancellationToken cancellationToken);

    public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        var deployment = call.Deployment;
        var uri = call.Request is EmbeddingsRequest ? deployment.EmbeddingsUri : deployment.ChatCompletionsUri;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = ForwardedBody.For(call.Request, deployment) };
        request.Headers.TryAddWithoutValidation("X-Client-Request-Id", call.RequestId);
        if (call.IsStreaming)
        {
            request.Headers.Accept.Add(EventStream);
        }

        using var timeout = new CancellationTokenSource(deployment.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage? response = null;
        try
        {
            await AuthorizeAsync(request, deployment.Provider, linked.Token);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await ReadBodyAsync(response, MaxErrorBytes, linked.Token);
                using var errorBytes = errorBody.Body;
                return UpstreamErrors.FromResponse((int)response.StatusCode, response.Headers, errorBytes?.Memory.ToArray() ?? [], deployment.Name);
            }

            if (call.IsStreaming)
            {
                var options = new OpenAIStreamRelayOptions(
                    deployment.Name, ((ChatRequest)call.Request).CallerWantsStreamUsage, deployment.Timeout, call.StreamKeepAlive, time, StreamNormalizer);
                var (relay, failure) = await OpenAIStreamRelay.OpenAsync(response, options, linked.Token);
                if (relay is null)
                {
                    return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment.Name, failure!), FailureAction.TryNextDeployment, "stream failed before first event");
                }

                response = null; // the relay owns it now
                return relay;
            }

            return await ReadJsonAnswerAsync(response, deployment, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new UpstreamFailure(GatewayError.UpstreamTimeout(deployment.Name, deployment.Timeout), FailureAction.TryNextDeployment, "timeout");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new UpstreamFailure(GatewayError.UpstreamUnreachable(deployment.Name, ex.Message), FailureClassifier.ForException(ex), "connection failed");
        }
        catch (CredentialUnavailableException ex)
        {
            return new UpstreamFailure(GatewayError.UpstreamUnreachable(deployment.Name, "no credential for it: " + ex.Message), FailureAction.TryNextDeployment, "no credential");
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static async Task<UpstreamResult> ReadJsonAnswerAsync(HttpResponseMessage response, Deployment deployment, CancellationToken cancellationToken)
    {
        var read = await ReadBodyAsync(response, MaxResponseBytes, cancellationToken);
        if (read.Body is not { } body)
        {
            return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment.Name, "the answer is too large"), FailureAction.TryNextDeployment, "answer too large");
        }

        try
        {
            TokenUsage? usage = OpenAIUsageReader.TryRead(new System.Buffers.ReadOnlySequence<byte>(body.Memory), out var found, out _) ? found : null;
            var validate = new Utf8JsonReader(body.Span);
            while (validate.Read())
            {
            }

            return new BufferedUpstreamResponse((int)response.StatusCode, body, usage);
        }
        catch (JsonException ex)
        {
            body.Dispose();
            return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment.Name, "the answer is not JSON (" + ex.Message + ")"), FailureAction.TryNextDeployment, "invalid JSON");
        }
    }

    private static async Task<PooledBodyResult> ReadBodyAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await PooledBody.ReadAsync(stream, response.Content.Headers.ContentLength, limit, cancellationToken);
    }

    /// <summary>Raised by an adapter that has no way to authenticate (e.g. no Azure credential available).</summary>
    public sealed class CredentialUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
}
