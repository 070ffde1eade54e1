using System.Net.Http.Headers;
using System.Text.Json;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API behind the OpenAI API: POST {BaseUrl}/messages with x-api-key and
/// anthropic-version. The request is translated (<see cref="AnthropicRequestWriter"/>), and the answer,
/// stream events and errors are translated back (<see cref="AnthropicAnswerTranslator"/>,
/// <see cref="AnthropicStreamMapper"/>, <see cref="AnthropicErrors"/>); connections, time-outs,
/// failover and the stream relay are the HTTP adapter's. A caller that speaks Anthropic's API itself is
/// served natively instead: its own request goes up and Anthropic's answer comes back untranslated
/// (<see cref="AnthropicPassThrough"/>).
/// </summary>
public sealed class AnthropicAdapter(IHttpClientFactory clients, TimeProvider time) : HttpProviderAdapter(clients, time), IProviderAdapter
{
    /// <summary>The API version the translation is written against.</summary>
    public const string ApiVersion = "2023-06-01";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly TimeProvider clock = time;

    public override string ProviderType => ProviderTypes.Anthropic;

    // Re-implemented to refuse, as values and before anything is sent, what Anthropic cannot serve:
    // embeddings, and requests the translation cannot express (raised from CreateContent).
    async Task<UpstreamResult> IProviderAdapter.SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        if (call.Request is not ChatRequest)
        {
            var error = GatewayError.InvalidRequest($"The deployment '{call.Deployment.Name}' is an Anthropic model, which serves chat completions only.", "model", "unsupported_by_provider");
            return new UpstreamFailure(error, FailureAction.TryNextDeployment, "not a chat request") { NotSent = true };
        }

        try
        {
            return await SendAsync(call, cancellationToken);
        }
        catch (AnthropicRequestException ex)
        {
            return new UpstreamFailure(ex.Error, ex.Action, "request not translatable") { NotSent = true };
        }
    }

    public bool SpeaksNatively(CallerApi api) => api == CallerApi.AnthropicMessages;

    protected override Uri? RequestUri(UpstreamCall call) => new(call.Deployment.BaseUri!.ToString().TrimEnd('/') + "/messages");

    protected override HttpContent CreateContent(UpstreamCall call) => Native(call) is { } original
        ? AnthropicPassThrough.Body(original, call.Deployment)
        : new ByteArrayContent(AnthropicRequestWriter.Write((ChatRequest)call.Request, call.Deployment.UpstreamModel)) { Headers = { ContentType = Json } };

    /// <summary>The Anthropic headers the caller sent that change what the upstream does (anthropic-beta), passed on when native.</summary>
    protected override void AddHeaders(HttpRequestMessage request, UpstreamCall call)
    {
        foreach (var (name, value) in Native(call)?.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    protected override ValueTask AuthorizeAsync(HttpRequestMessage request, ProviderRuntime provider, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("x-api-key", provider.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        return ValueTask.CompletedTask;
    }

    protected override IStreamEventMapper CreateStreamMapper(UpstreamCall call)
    {
        if (Native(call) is not null)
        {
            return new AnthropicPassThroughMapper(call.Deployment.Name);
        }

        var request = (ChatRequest)call.Request;
        return new AnthropicStreamMapper(call.Deployment.Name, call.Deployment.UpstreamModel, request.CallerWantsStreamUsage, AnthropicJsonAnswer.Requested(request.Body.Span), Now());
    }

    protected override UpstreamFailure ReadFailure(int status, ProviderRateHints? hints, byte[] body, UpstreamCall call) => Native(call) is not null
        ? AnthropicPassThrough.Failure(status, hints, body, call.Deployment.Name)
        : AnthropicErrors.FromResponse(status, hints, body, call.Deployment.Name);

    protected override UpstreamResult ReadAnswer(int status, PooledBody body, UpstreamCall call)
    {
        if (Native(call) is not null)
        {
            return NativeAnswer(status, body, call.Deployment.Name);
        }

        using (body)
        {
            var request = (ChatRequest)call.Request;
            try
            {
                var answer = AnthropicAnswerTranslator.Translate(body.Span, AnthropicJsonAnswer.Requested(request.Body.Span), Now(), call.Deployment.UpstreamModel);
                return new BufferedUpstreamResponse(status, PooledBody.FromBytes(answer.Json), answer.Usage);
            }
            catch (JsonException ex)
            {
                return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(call.Deployment.Name, "the answer is not an Anthropic message (" + ex.Message + ")"), FailureAction.TryNextDeployment, "invalid answer");
            }
        }
    }

    /// <summary>Anthropic's message as it came, for the Anthropic caller (takes ownership of <paramref name="body"/>).</summary>
    private static UpstreamResult NativeAnswer(int status, PooledBody body, string deployment)
    {
        try
        {
            return new BufferedUpstreamResponse(status, body, AnthropicPassThrough.ReadUsage(body.Span)) { InCallerApi = true };
        }
        catch (JsonException ex)
        {
            body.Dispose();
            return new UpstreamFailure(GatewayError.UpstreamInvalidResponse(deployment, "the answer is not JSON (" + ex.Message + ")"), FailureAction.TryNextDeployment, "invalid answer");
        }
    }

    /// <summary>The caller's own Anthropic request, when the caller speaks Anthropic's API: it is then sent as it is.</summary>
    private static CallerApiRequest? Native(UpstreamCall call) =>
        call.Request is ChatRequest { Original: { Api: CallerApi.AnthropicMessages } original } ? original : null;

    private long Now() => clock.GetUtcNow().ToUnixTimeSeconds();
}
