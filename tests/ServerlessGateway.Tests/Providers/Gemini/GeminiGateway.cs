using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>
/// One gateway and one fake Google endpoint shared by a test class. The endpoint plays the Gemini API
/// (/v1beta/models/…), Vertex AI (/v1/projects/…/publishers/google/models/…) and, for failover, an
/// OpenAI-compatible server (/v1/chat/completions); each test sets what it answers.
/// </summary>
public sealed class GeminiGateway : UpstreamAndGateway
{
    public const string ApiKey = "gemini-test-key";
    public const string VertexToken = "ya29.vertex-test-token";
    public const string VertexPath = "/v1/projects/proj-1/locations/us-central1/publishers/google";

    /// <summary>Logical models: name → (provider, upstream model).</summary>
    public static readonly (string Model, string Provider, string Upstream)[] Models =
    [
        ("gemini", "gemini", "gemini-2.5-flash"),
        ("gemini-3", "gemini", "gemini-3-pro-preview"),
        ("gemini-3-flash", "gemini", "gemini-3-flash-preview"),
        ("gemini-2.5-pro", "gemini", "gemini-2.5-pro"),
        ("gemini-2.0", "gemini", "gemini-2.0-flash"),
        ("vertex", "vertex", "gemini-2.5-flash"),
    ];

    /// <summary>Gemini first, an OpenAI-compatible deployment second: shows whether a failure fails over.</summary>
    public const string FailoverModel = "gemini-then-openai";

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["GEMINI_TEST_KEY"] = ApiKey };

    protected override JsonObject Configure(string upstreamBaseUrl)
    {
        var config = GatewayHost.Config();
        var settings = config["Gateway"]!;
        settings["Providers"]!["gemini"] = new JsonObject
        {
            ["Type"] = "gemini",
            ["BaseUrl"] = upstreamBaseUrl + "/v1beta",
            ["ApiKey"] = "${GEMINI_TEST_KEY}",
            ["TimeoutSeconds"] = 5,
        };
        settings["Providers"]!["vertex"] = new JsonObject
        {
            ["Type"] = "gemini",
            ["BaseUrl"] = upstreamBaseUrl + VertexPath,
            ["Auth"] = "bearer",
            ["ApiKey"] = VertexToken,
            ["TimeoutSeconds"] = 5,
        };
        settings["Providers"]!["fallback"] = new JsonObject
        {
            ["Type"] = "openai-compatible",
            ["BaseUrl"] = upstreamBaseUrl + "/v1",
            ["Auth"] = "none",
            ["TimeoutSeconds"] = 5,
        };
        foreach (var (model, provider, name) in Models)
        {
            settings["Models"]![model] = GatewayHost.Deployments((provider, name));
        }

        settings["Models"]![FailoverModel] = GatewayHost.Deployments(("gemini", "gemini-2.5-flash"), ("fallback", "gpt-fallback"));
        return config;
    }

    /// <summary>Gemini answers with <paramref name="handler"/>; the OpenAI fallback always answers "from fallback".</summary>
    public void Serve(Func<HttpContext, Task> handler) => Upstream.Handler = context =>
        !context.Request.Path.StartsWithSegments("/v1/chat/completions") ? handler(context)
        : Upstream.LastRequest.Body.Contains("\"stream\":true", StringComparison.Ordinal) ? Respond.Sse(context, [OpenAIWire.Chunk(Fallback, "stop", role: true)])
        : Respond.Json(context, 200, OpenAIWire.Completion(Fallback));

    public const string Fallback = "from fallback";

    public void ServeJson(string geminiAnswer, int status = 200) => Serve(context => Respond.Json(context, status, geminiAnswer));

    public void ServeSse(string rawSse) => Serve(context => Respond.Raw(context, "text/event-stream", System.Text.Encoding.UTF8.GetBytes(rawSse)));

    public Task<HttpResponseMessage> PostAsync(string json) => Gateway.Client.PostAsync("/v1/chat/completions", json);

    /// <summary>The body the Gemini endpoint received last.</summary>
    public JsonObject LastGeminiBody => JsonNode.Parse(Upstream.Requests.Last(r => !r.PathAndQuery.StartsWith("/v1/chat", StringComparison.Ordinal)).Body)!.AsObject();
}
