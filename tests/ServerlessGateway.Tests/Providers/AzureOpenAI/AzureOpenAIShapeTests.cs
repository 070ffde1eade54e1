using System.Text.Json.Nodes;
using Azure.Core;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.AzureOpenAI;

/// <summary>Azure OpenAI's two URL shapes and two ways to authenticate, against a fake Azure endpoint.</summary>
public sealed class AzureOpenAIShapeTests
{
    private const string Request = """{"model":"chat","messages":[{"role":"user","content":"hi"}]}""";

    private static JsonObject AzureConfig(string endpoint, string shape, string auth, string? apiVersion = null)
    {
        var config = GatewayHost.Config();
        var provider = new JsonObject { ["Type"] = "azure-openai", ["Endpoint"] = endpoint, ["ApiShape"] = shape, ["Auth"] = auth };
        if (auth == "api-key")
        {
            provider["ApiKey"] = "${AZURE_KEY}";
        }

        if (apiVersion is not null)
        {
            provider["ApiVersion"] = apiVersion;
        }

        config["Gateway"]!["Providers"]!["azure"] = provider;
        config["Gateway"]!["Models"]!["chat"] = GatewayHost.Deployments(("azure", "my-gpt4o-deployment"));
        config["Gateway"]!["Models"]!["emb"] = GatewayHost.Deployments(("azure", "my-embedding"));
        return config;
    }

    [Fact]
    public async Task Classic_shape_puts_the_deployment_in_the_path_and_sends_the_api_key_header()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        var environment = new Dictionary<string, string> { ["AZURE_KEY"] = "azure-secret-key" };
        await using var gateway = await GatewayHost.StartAsync(AzureConfig(upstream.BaseUrl, "deployments", "api-key", "2024-10-21"), environment);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        response.EnsureSuccessStatusCode();
        Assert.Equal("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21", upstream.LastRequest.PathAndQuery);
        Assert.Equal("azure-secret-key", upstream.LastRequest.Headers["api-key"]);
        Assert.False(upstream.LastRequest.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task V1_shape_uses_the_openai_v1_path_with_the_deployment_as_model()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Embeddings()));
        var environment = new Dictionary<string, string> { ["AZURE_KEY"] = "azure-secret-key" };
        await using var gateway = await GatewayHost.StartAsync(AzureConfig(upstream.BaseUrl, "v1", "api-key"), environment);

        using var response = await gateway.Client.PostAsync("/v1/embeddings", """{"model":"emb","input":"hello"}""");

        response.EnsureSuccessStatusCode();
        Assert.Equal("/openai/v1/embeddings", upstream.LastRequest.PathAndQuery);
        Assert.Equal("my-embedding", JsonNode.Parse(upstream.LastRequest.Body)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Entra_auth_sends_a_bearer_token_fetched_once_and_reused()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        var credential = new FakeTokenCredential("token-1", TimeSpan.FromHours(1));
        await using var gateway = await GatewayHost.StartAsync(AzureConfig(upstream.BaseUrl, "v1", "entra"), credential: () => credential);

        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);
            response.EnsureSuccessStatusCode();
        }

        Assert.All(upstream.Requests, r => Assert.Equal("Bearer token-1", r.Headers["Authorization"]));
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.LastScopes);
    }

    [Fact]
    public async Task A_missing_api_key_switches_the_deployment_off_and_readiness_says_why()
    {
        await using var gateway = await GatewayHost.StartAsync(AzureConfig("https://example.openai.azure.com", "deployments", "api-key"));

        using var chat = await gateway.Client.PostAsync("/v1/chat/completions", Request);
        using var ready = await gateway.Client.GetAsync("/health/ready");

        await Json.AssertErrorAsync(chat, 503, "model_unavailable");
        var report = await Json.ReadAsync(ready);
        Assert.Equal("degraded", report["status"]!.GetValue<string>());
        Assert.Contains(report["problems"]!.AsArray(), p => p!.GetValue<string>().Contains("AZURE_KEY", StringComparison.Ordinal));
    }
}

/// <summary>A TokenCredential that counts calls and hands out tokens with a chosen lifetime.</summary>
public sealed class FakeTokenCredential(string token, TimeSpan lifetime, TimeProvider? time = null) : TokenCredential
{
    private int calls;

    public int Calls => calls;

    public string[] LastScopes { get; private set; } = [];

    public string Token { get; set; } = token;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        LastScopes = requestContext.Scopes;
        return new AccessToken(Token, (time ?? TimeProvider.System).GetUtcNow() + lifetime);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
