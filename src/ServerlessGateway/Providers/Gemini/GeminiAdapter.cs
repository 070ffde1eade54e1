using System.Net.Http.Headers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Google Gemini behind the OpenAI API: requests translated to generateContent (streams to
/// streamGenerateContent?alt=sse), answers, stream events and errors translated back.
/// <para>
/// Two shapes, one URL rule — {BaseUrl}/models/{Model}:generateContent:
/// <list type="bullet">
/// <item>Gemini API (Auth "api-key", the default): BaseUrl https://generativelanguage.googleapis.com/v1beta,
/// the key in x-goog-api-key.</item>
/// <item>Vertex AI (Auth "bearer"): BaseUrl names the project and location, e.g.
/// https://us-central1-aiplatform.googleapis.com/v1/projects/my-project/locations/us-central1/publishers/google
/// (or https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/google), and
/// ApiKey holds an OAuth access token sent as "Authorization: Bearer" — typically ${VERTEX_ACCESS_TOKEN}
/// from `gcloud auth print-access-token`. Such tokens last an hour and the gateway does not renew them:
/// the configuration reload picks up a new value of the file, not of the variable.</item>
/// </list>
/// A Model containing "/" (tunedModels/x, models/x) is used as the path as it is.
/// </para>
/// </summary>
public sealed class GeminiAdapter(IHttpClientFactory clients, TimeProvider time) : HttpProviderAdapter(clients, time)
{
    private readonly TimeProvider time = time;

    public override string ProviderType => ProviderTypes.Gemini;

    protected override ValueTask AuthorizeAsync(HttpRequestMessage request, ProviderRuntime provider, CancellationToken cancellationToken)
    {
        if (provider.AuthMode == ProviderAuthModes.Bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("x-goog-api-key", provider.ApiKey);
        }

        return ValueTask.CompletedTask;
    }

    protected override Uri? RequestUri(UpstreamCall call)
    {
        var model = call.Deployment.UpstreamModel;
        var path = model.Contains('/', StringComparison.Ordinal)
            ? string.Join('/', model.Split('/').Select(Uri.EscapeDataString))
            : "models/" + Uri.EscapeDataString(model);
        var method = call.IsStreaming ? ":streamGenerateContent?alt=sse" : ":generateContent";
        return new Uri($"{call.Deployment.BaseUri!.ToString().TrimEnd('/')}/{path}{method}");
    }

    protected override HttpContent CreateContent(UpstreamCall call)
    {
        if (call.Request is not ChatRequest chat)
        {
            throw new UntranslatableRequestException(new UpstreamFailure(
                GatewayError.InvalidRequest("Gemini deployments serve chat completions only; embeddings are not translated.", "model", "unsupported_by_provider"),
                FailureAction.TryNextDeployment,
                "operation not served by Gemini"));
        }

        var content = new ByteArrayContent(GeminiRequest.Translate(chat, call.Deployment));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    protected override IStreamEventMapper CreateStreamMapper(UpstreamCall call) =>
        new GeminiStreamMapper(Origin(call), ((ChatRequest)call.Request).CallerWantsStreamUsage);

    protected override UpstreamFailure ReadFailure(int status, ProviderRateHints? hints, byte[] body, UpstreamCall call) =>
        GeminiErrors.FromResponse(status, hints, body, call.Deployment.Name);

    protected override UpstreamResult ReadAnswer(int status, PooledBody body, UpstreamCall call)
    {
        using (body)
        {
            GenerateContentResponse? answer;
            try
            {
                answer = JsonSerializer.Deserialize(body.Span, GeminiJsonContext.Default.GenerateContentResponse);
            }
            catch (JsonException ex)
            {
                return Invalid(call, "the answer is not a Gemini GenerateContentResponse (" + ex.Message + ")");
            }

            TokenUsage? usage = null;
            var completion = answer is null ? null : GeminiAnswer.ToChatCompletion(answer, Origin(call), out usage);
            return completion is null
                ? Invalid(call, "the answer has neither candidates nor a prompt block")
                : new BufferedUpstreamResponse(status, PooledBody.FromBytes(completion), usage);
        }
    }

    private AnswerOrigin Origin(UpstreamCall call) => new(call.RequestId, call.Deployment.UpstreamModel, time.GetUtcNow().ToUnixTimeSeconds());

    private static UpstreamFailure Invalid(UpstreamCall call, string why) =>
        new(GatewayError.UpstreamInvalidResponse(call.Deployment.Name, why), FailureAction.TryNextDeployment, "invalid Gemini answer");
}
