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

    // The steps below are the OpenAI wire format; an adapter for a provider with its own API overrides
    // them (URL, translated body, translated answer, stream events, errors) and keeps the rest: pooled
    // connections, time-outs, failure classification, waiting for the first event, the relay.

    /// <summary>Where the request goes.</summary>
    protected virtual Uri? RequestUri(UpstreamCall call) =>
        call.Request is EmbeddingsRequest ? call.Deployment.EmbeddingsUri : call.Deployment.ChatCompletionsUri;

    /// <summary>The body sent: the caller's bytes with the model name (and usage request) edited in.</summary>
    protected virtual HttpContent CreateContent(UpstreamCall call) => ForwardedBody.For(call.Request, call.Deployment);

    /// <summary>Maps the upstream's stream events to OpenAI chunks.</summary>
    protected virtual IStreamEventMapper CreateStreamMapper(UpstreamCall call) =>
        new OpenAIPassThroughMapper(((ChatRequest)call.Request).CallerWantsStreamUsage, StreamNormalizer);

    /// <summary>Headers the request needs besides authentication (none for the OpenAI wire format).</summary>
    protected virtual void AddHeaders(HttpRequestMessage request, UpstreamCall call)
    {
    }

    /// <summary>A non-success answer as a failure (status and message kept, classified for failover).</summary>
    protected virtual UpstreamFailure ReadFailure(int status, HttpResponseHeaders headers, byte[] body, UpstreamCall call) =>
        UpstreamErrors.FromResponse(status, headers, body, call.Deployment.Name);

    /// <summary>A complete success answer, as the OpenAI answer to relay; takes ownership of <paramref name="body"/>.</summary>
    protected virtual UpstreamResult ReadAnswer(int status, PooledBody body, UpstreamCall call)
    {
        try
        {
            var usage = OpenAIUsageReader.ReadAnswer(new System.Buffers.ReadOnlySequence<byte>(body.Memory));
            return new BufferedUpstreamResponse(status, body, usage);
        }
        catch (JsonException ex)
        {
            body.Dispose();
            return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(call.Deployment.Name, "the answer is not JSON (" + ex.Message + ")"), FailureAction.TryNextDeployment, "invalid JSON");
        }
    }

    public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        var deployment = call.Deployment;
        HttpContent content;
        try
        {
            content = CreateContent(call);
        }
        catch (UntranslatableRequestException ex)
        {
            return ex.Failure;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, RequestUri(call)) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Client-Request-Id", call.RequestId);
        if (call.IsStreaming)
        {
            request.Headers.Accept.Add(EventStream);
        }

        AddHeaders(request, call);

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
                return ReadFailure((int)response.StatusCode, response.Headers, errorBytes?.Memory.ToArray() ?? [], call);
            }

            if (call.IsStreaming)
            {
                var options = new SseStreamRelayOptions(deployment.Name, deployment.Timeout, call.StreamKeepAlive, time);
                var opened = await SseStreamRelay.OpenAsync(response, CreateStreamMapper(call), options, linked.Token);
                if (opened.Response is not null)
                {
                    response = null; // the relay owns it now
                }

                return opened;
            }

            var answer = await ReadBodyAsync(response, MaxResponseBytes, linked.Token);
            return answer.Body is { } body
                ? ReadAnswer((int)response.StatusCode, body, call)
                : new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment.Name, "the answer is too large"), FailureAction.TryNextDeployment, "answer too large");
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

    private static async Task<PooledBodyResult> ReadBodyAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await PooledBody.ReadAsync(stream, response.Content.Headers.ContentLength, limit, cancellationToken);
    }

    /// <summary>
    /// Raised by <see cref="CreateContent"/> when the request cannot be said in the provider's API (a field it
    /// has no equivalent for, or one that is malformed): the attempt fails with this failure, nothing is sent.
    /// </summary>
    public sealed class UntranslatableRequestException(UpstreamFailure failure) : Exception(failure.Error.Message)
    {
        public UpstreamFailure Failure { get; } = failure;
    }

    /// <summary>Raised by an adapter that has no way to authenticate (e.g. no Azure credential available).</summary>
    public sealed class CredentialUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
}
