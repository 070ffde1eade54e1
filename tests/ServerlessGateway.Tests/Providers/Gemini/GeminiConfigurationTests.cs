using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>The "gemini" provider type in configuration: its defaults, auth modes and the embedded default model.</summary>
public sealed class GeminiConfigurationTests
{
    private static SnapshotResult Build(GatewayOptions options, Dictionary<string, string>? environment = null) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(name => environment?.GetValueOrDefault(name)), TimeProvider.System).Build(options);

    private static GatewayOptions Defaults()
    {
        var options = new GatewayOptions();
        new ConfigurationBuilder().AddJsonStream(ConfigurationSources.OpenDefaults()).Build().GetSection(GatewayOptions.SectionName).Bind(options);
        return options;
    }

    [Fact]
    public void The_embedded_defaults_offer_gemini_2_5_flash_once_GEMINI_API_KEY_is_set()
    {
        var without = Build(Defaults()).Snapshot!;
        var with = Build(Defaults(), new() { ["GEMINI_API_KEY"] = "AIza-test" }).Snapshot!;

        Assert.False(without.Models["gemini-2.5-flash"].IsServable);
        Assert.Empty(without.Problems); // optional: off quietly
        var deployment = with.Models["gemini-2.5-flash"].Deployments.Single();
        Assert.Equal("gemini", deployment.Provider.Type);
        Assert.Equal("api-key", deployment.Provider.AuthMode);
        Assert.Equal("AIza-test", deployment.Provider.ApiKey);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta", deployment.BaseUri!.ToString().TrimEnd('/'));
    }

    [Theory]
    [InlineData("api-key", true)]
    [InlineData("bearer", true)]
    [InlineData("entra", false)]
    [InlineData("none", false)]
    public void Gemini_takes_an_api_key_or_a_bearer_token(string auth, bool valid)
    {
        var options = new GatewayOptions
        {
            Providers = { ["g"] = new ProviderOptions { Type = "gemini", Auth = auth, ApiKey = "k" } },
            Models = { ["m"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "g", Model = "gemini-2.5-flash" } } } },
        };

        var result = Build(options);

        Assert.Equal(valid, result.Errors.Count == 0);
    }

    [Fact]
    public void A_Gemini_provider_without_its_key_is_switched_off_and_reported()
    {
        var options = new GatewayOptions
        {
            Providers = { ["g"] = new ProviderOptions { Type = "gemini", ApiKey = "${MISSING_GEMINI_KEY}" } },
            Models = { ["m"] = new ModelOptions { Deployments = { new DeploymentOptions { Provider = "g", Model = "gemini-2.5-flash" } } } },
        };

        var snapshot = Build(options).Snapshot!;

        Assert.False(snapshot.Models["m"].IsServable);
        Assert.Contains(snapshot.Problems, p => p.Contains("MISSING_GEMINI_KEY", StringComparison.Ordinal));
    }
}
