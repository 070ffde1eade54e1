using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Tests.Configuration;

public sealed class SnapshotValidationTests
{
    private static SnapshotResult Build(GatewayOptions options, Dictionary<string, string>? environment = null) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(n => environment?.GetValueOrDefault(n)), TimeProvider.System).Build(options);

    [Fact]
    public void Every_problem_in_the_document_is_reported_at_once()
    {
        var options = new GatewayOptions
        {
            MaxRequestBodyBytes = 10,
            Providers =
            {
                ["weird"] = new ProviderOptions { Type = "bedrock" },
                ["local"] = new ProviderOptions { Type = "openai-compatible", BaseUrl = "ftp://nope", TimeoutSeconds = 0 },
                ["azure"] = new ProviderOptions { Type = "azure-openai", Endpoint = "https://x.openai.azure.com", ApiShape = "v2", ApiKey = "k" },
            },
            Models =
            {
                ["empty"] = new ModelOptions(),
                ["dangling"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "missing", Model = "m" } } },
                ["local-model"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "local", Model = "llama" } } },
            },
            Keys =
            {
                new VirtualKeyOptions { Name = "a", Key = "short" },
                new VirtualKeyOptions { Name = "a", Key = "sk-long-enough-1" },
                new VirtualKeyOptions { Name = "b", Key = "sk-long-enough-2", Models = { "nonexistent" } },
                new VirtualKeyOptions { Name = "c", KeySha256 = "xyz" },
            },
        };

        var result = Build(options);

        Assert.Null(result.Snapshot);
        string[] expected =
        [
            "MaxRequestBodyBytes", "Providers:weird:Type", "Providers:local:TimeoutSeconds", "ftp://nope", "ApiShape",
            "Models:empty:Deployments", "Provider 'missing'", "Keys:0:Key must be 8", "Keys:1:Name", "'nonexistent'", "KeySha256",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(result.Errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_missing_secret_switches_a_provider_off_and_is_a_readiness_problem_unless_optional()
    {
        var options = new GatewayOptions
        {
            Providers =
            {
                ["required"] = new ProviderOptions { Type = "openai", ApiKey = "${REQUIRED_KEY}" },
                ["optional"] = new ProviderOptions { Type = "openai", ApiKey = "${OPTIONAL_KEY}", Optional = true },
            },
            Models =
            {
                ["a"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "required", Model = "gpt-4o" } } },
                ["b"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "optional", Model = "gpt-4o" } } },
            },
        };

        var snapshot = Build(options).Snapshot!;

        Assert.False(snapshot.Models["a"].IsServable);
        Assert.False(snapshot.Models["b"].IsServable);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Contains("REQUIRED_KEY", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_references_resolve_with_defaults()
    {
        var environment = new EnvironmentReferences(name => name == "SET" ? "value" : null);

        Assert.Equal("value", environment.Resolve("${SET}", out _));
        Assert.Equal("pre-value-post", environment.Resolve("pre-${SET}-post", out _));
        Assert.Equal("fallback", environment.Resolve("${UNSET:-fallback}", out _));
        Assert.Null(environment.Resolve("${UNSET}", out var missing));
        Assert.Equal("UNSET", missing);
        Assert.Equal("plain", environment.Resolve("plain", out _));
    }

    [Fact]
    public void Azure_urls_are_built_for_both_shapes()
    {
        var options = new GatewayOptions
        {
            Providers =
            {
                ["classic"] = new ProviderOptions { Type = "azure-openai", Endpoint = "https://r.openai.azure.com/", ApiKey = "k", ApiVersion = "2025-01-01-preview" },
                ["v1"] = new ProviderOptions { Type = "azure-openai", Endpoint = "https://r.openai.azure.com", ApiShape = "v1", Auth = "entra" },
            },
            Models =
            {
                ["a"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "classic", Model = "gpt 4o" } } },
                ["b"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "v1", Model = "gpt-4o" } } },
            },
        };

        var snapshot = Build(options).Snapshot!;

        Assert.Equal("https://r.openai.azure.com/openai/deployments/gpt%204o/chat/completions?api-version=2025-01-01-preview", snapshot.Models["a"].Deployments[0].ChatCompletionsUri!.AbsoluteUri);
        Assert.Equal("https://r.openai.azure.com/openai/v1/embeddings", snapshot.Models["b"].Deployments[0].EmbeddingsUri!.AbsoluteUri);
    }

    [Fact]
    public void The_embedded_defaults_are_valid_and_serve_the_mock_models_with_no_environment()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(ConfigurationSources.OpenDefaults()).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);

        var result = Build(options);

        Assert.Empty(result.Errors);
        var snapshot = result.Snapshot!;
        Assert.True(snapshot.Models["mock-echo"].IsServable);
        Assert.True(snapshot.Models["mock-embedding"].IsServable);
        Assert.False(snapshot.Models["gpt-4o-mini"].IsServable);
        Assert.Empty(snapshot.Problems); // real providers are optional in the defaults
        Assert.NotNull(snapshot.Keys.Find("sk-gateway-local"));
    }

    [Fact]
    public void The_embedded_defaults_switch_real_providers_on_when_their_variables_are_set()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(ConfigurationSources.OpenDefaults()).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);

        var snapshot = Build(options, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-real", ["GATEWAY_DEV_KEY"] = "sk-my-own-dev-key" }).Snapshot!;

        Assert.True(snapshot.Models["gpt-4o-mini"].IsServable);
        Assert.Equal("openai/gpt-4o-mini", snapshot.Models["gpt-4o-mini"].Deployments[0].Name);
        Assert.NotNull(snapshot.Keys.Find("sk-my-own-dev-key"));
        Assert.Null(snapshot.Keys.Find("sk-gateway-local"));
    }
}
