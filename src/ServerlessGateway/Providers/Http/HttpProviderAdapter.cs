using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Faults;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// Sending to an OpenAI-wire-format upstream over pooled HTTP connections: the request body is
/// forwarded with its edits, a JSON answer is read whole (so a failure can still fail over), and a
/// stream is relayed once its first event has arrived. It enforces the deployment's time limits (connect
/// through <see cref="UpstreamConnections"/>, first token and total here, idle in the relay), reads the
/// upstream's rate-limit hints from every answer, and carries out injected faults. Subclasses only add
/// their authentication.
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
    /// <param name="hints">What the answer's headers said about rate limits; they also give the error its Retry-After.</param>
    protected virtual UpstreamFailure ReadFailure(int status, ProviderRateHints? hints, byte[] body, UpstreamCall call) =>
        UpstreamErrors.FromResponse(status, hints, body, call.Deployment.Name);

    /// <summary>A complete success answer, as the OpenAI answer to relay; takes ownership of <paramref name="body"/>.</summary>
    protected virtual UpstreamResult ReadAnswer(int status, PooledBody body, UpstreamCall call) => ReadOpenAIAnswer(status, body, call.Deployment.Name);

    /// <summary>An OpenAI answer to relay as it is, or the failure of one that is not JSON; takes ownership of <paramref name="body"/>.</summary>
    internal static UpstreamResult ReadOpenAIAnswer(int status, PooledBody body, string deployment)
    {
        try
        {
            var usage = OpenAIUsageReader.ReadAnswer(new System.Buffers.ReadOnlySequence<byte>(body.Memory));
            return new BufferedUpstreamResponse(status, body, usage);
        }
        catch (JsonException ex)
        {
            body.Dispose();
            return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment, "the answer is not JSON (" + ex.Message + ")"), FailureAction.TryNextDeployment, FailureReasons.InvalidJson);
        }
    }

    public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var deployment = call.Deployment;
        var timeouts = deployment.Timeouts;
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
        if (call.Fault is { Kind: FaultKind.Status } injected)
        {
            return InjectedFaults.Status(injected, deployment.Name);
        }

        request.Headers.TryAddWithoutValidation("X-Client-Request-Id", call.RequestId);
        if (call.IsStreaming)
        {
            request.Headers.Accept.Add(EventStream);
        }

        AddHeaders(request, call);
        UpstreamConnections.SetConnectTimeout(request, timeouts.Connect);

        // One timer: the first-token limit (the total, when it has none of its own) until the answer starts, then
        // whatever is left of the total. A stream's answer starts with its first event, and the relay keeps the
        // total after that; a JSON answer (or an error) starts with its headers.
        using var timeout = new CancellationTokenSource(timeouts.FirstToken, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var answerStarted = false;
        HttpResponseMessage? response = null;
        ProviderRateHints? hints = null;
        try
        {
            if (InjectedFaults.Delay(call.Fault) is { Ticks: > 0 } delay)
            {
                await Task.Delay(delay, time, linked.Token);
            }

            await AuthorizeAsync(request, deployment.Provider, linked.Token);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            hints = RateHintHeaders.Read(response.Headers, time);
            if (!call.IsStreaming || !response.IsSuccessStatusCode)
            {
                LeaveRestOfTotal(timeout, timeouts, started);
                answerStarted = true;
            }

            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await ReadBodyAsync(response, MaxErrorBytes, linked.Token);
                using var errorBytes = errorBody.Body;
                return ReadFailure((int)response.StatusCode, hints, errorBytes?.Memory.ToArray() ?? [], call).WithRateHints(hints);
            }

            if (call.IsStreaming)
            {
                var options = new SseStreamRelayOptions(deployment.Name, timeouts, call.StreamKeepAlive, time) { Started = started, Fault = call.Fault };
                var opened = await SseStreamRelay.OpenAsync(response, CreateStreamMapper(call), options, linked.Token);
                if (opened.Response is not null)
                {
                    response = null; // the relay owns it now
                }

                return WithRateHints(opened, hints);
            }

            var answer = await ReadBodyAsync(response, MaxResponseBytes, linked.Token);
            if (answer.Body is not { } body)
            {
                return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment.Name, "the answer is too large"), FailureAction.TryNextDeployment, "answer too large").WithRateHints(hints);
            }

            return WithRateHints(ReadAnswer((int)response.StatusCode, InjectedFaults.Cuts(call.Fault) ? InjectedFaults.Truncate(body) : body, call), hints);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var failure = answerStarted ? UpstreamTimeouts.Total(deployment.Name, timeouts.Total) : UpstreamTimeouts.BeforeAnswer(deployment.Name, timeouts);
            return failure.WithRateHints(hints);
        }
        catch (HttpRequestException ex) when (ex.InnerException is UpstreamConnectTimeoutException connect)
        {
            return UpstreamTimeouts.Connect(deployment.Name, connect.Limit);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new UpstreamFailure(GatewayError.UpstreamUnreachable(deployment.Name, ex.Message), FailureClassifier.ForException(ex), FailureReasons.ConnectionFailed).WithRateHints(hints);
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

    /// <summary>Once the answer started, the timer keeps only what is left of the total (it already does when the first token has no limit of its own).</summary>
    private void LeaveRestOfTotal(CancellationTokenSource timeout, DeploymentTimeouts timeouts, long started)
    {
        if (timeouts.LimitsFirstToken)
        {
            var left = timeouts.Total - time.GetElapsedTime(started);
            timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    private static UpstreamResult WithRateHints(UpstreamResult result, ProviderRateHints? hints)
    {
        if (hints is null)
        {
            return result;
        }

        if (result.Response is { } response)
        {
            response.RateHints = hints;
            return response;
        }

        return result.Failure!.WithRateHints(hints);
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
