using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Accounting.Pricing;

public sealed class DeploymentPriceTests
{
    private static SnapshotResult Build(GatewayOptions options) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);

    private static GatewayOptions Options(string providerType, params DeploymentOptions[] deployments)
    {
        var provider = new ProviderOptions { Type = providerType, BaseUrl = "https://upstream.example/v1", ApiKey = "sk-upstream", Endpoint = "https://x.openai.azure.com" };
        var options = new GatewayOptions { Providers = { ["p"] = provider } };
        for (var i = 0; i < deployments.Length; i++)
        {
            deployments[i].Provider = "p";
            options.Models[$"m{i}"] = new ModelOptions { Deployments = { deployments[i] } };
        }

        return options;
    }

    [Fact]
    public void A_paid_deployment_is_priced_by_its_upstream_model_or_its_dated_snapshot()
    {
        var snapshot = Build(Options(ProviderTypes.OpenAI, new DeploymentOptions { Model = "gpt-4o" }, new DeploymentOptions { Model = "gpt-4o-2024-11-20" })).Snapshot!;

        Assert.Same(snapshot.Prices.Find("gpt-4o"), snapshot.Models["m0"].Deployments[0].Price);
        Assert.Same(snapshot.Prices.Find("gpt-4o"), snapshot.Models["m1"].Deployments[0].Price);
        Assert.Empty(snapshot.Problems);
    }

    [Fact]
    public void PriceAs_prices_an_Azure_deployment_named_freely()
    {
        var snapshot = Build(Options(ProviderTypes.AzureOpenAI, new DeploymentOptions { Model = "prod-chat", PriceAs = "gpt-4.1-mini" })).Snapshot!;

        Assert.Equal(0.40m, snapshot.Models["m0"].Deployments[0].Price!.Input);
    }

    [Fact]
    public void A_paid_deployment_without_a_price_is_unpriced_and_reported()
    {
        var snapshot = Build(Options(ProviderTypes.Anthropic, new DeploymentOptions { Model = "claude-next" })).Snapshot!;

        Assert.Null(snapshot.Models["m0"].Deployments[0].Price);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("no price for deployment 'p/claude-next' (model 'claude-next'): its calls are recorded at $0 and budgets refuse it; set PriceAs or Gateway:Prices:claude-next", problem);
    }

    [Fact]
    public void Self_hosted_and_mock_deployments_are_free_unless_priced()
    {
        var local = Build(Options(ProviderTypes.OpenAICompatible, new DeploymentOptions { Model = "llama3.2" }, new DeploymentOptions { Model = "gpt-4o-mini" })).Snapshot!;
        var mock = Build(Options(ProviderTypes.Mock, new DeploymentOptions { Model = "echo" }, new DeploymentOptions { Model = "echo", PriceAs = "gpt-5" })).Snapshot!;

        Assert.Same(ModelPrice.Free, local.Models["m0"].Deployments[0].Price);
        Assert.Equal(0.15m, local.Models["m1"].Deployments[0].Price!.Input); // a known name is priced even when self-hosted (a proxy to OpenAI)
        Assert.Same(ModelPrice.Free, mock.Models["m0"].Deployments[0].Price);
        Assert.Equal(1.25m, mock.Models["m1"].Deployments[0].Price!.Input);
        Assert.Empty(local.Problems);
        Assert.Empty(mock.Problems);
    }

    [Fact]
    public void PriceAs_naming_no_price_and_invalid_prices_refuse_the_document()
    {
        var options = Options(ProviderTypes.OpenAI, new DeploymentOptions { Model = "gpt-4o", PriceAs = "gpt-9" });
        options.Prices["gpt-4o"] = new PriceOptions { Input = -2m };

        var result = Build(options);

        Assert.Null(result.Snapshot);
        Assert.Contains("Gateway:Models:m0:Deployments:0:PriceAs names 'gpt-9', which has no price; add it under Gateway:Prices or name a known model.", result.Errors);
        Assert.Contains("Gateway:Prices:gpt-4o:Input must not be negative; it is -2.", result.Errors);
    }

    [Fact]
    public async Task Prices_from_the_configuration_file_reach_the_deployment_and_readiness_lists_unpriced_ones()
    {
        var config = GatewayHost.Config();
        var gateway = (JsonObject)config["Gateway"]!;
        gateway["Providers"]!["openai"] = new JsonObject { ["Type"] = "openai", ["BaseUrl"] = "http://127.0.0.1:9/v1", ["ApiKey"] = "sk-x" };
        gateway["Models"]!["priced"] = new JsonObject { ["Deployments"] = new JsonArray(new JsonObject { ["Provider"] = "openai", ["Model"] = "house-model" }) };
        gateway["Models"]!["unpriced"] = new JsonObject { ["Deployments"] = new JsonArray(new JsonObject { ["Provider"] = "openai", ["Model"] = "other-model" }) };
        gateway["Prices"] = new JsonObject { ["house-model"] = new JsonObject { ["Input"] = 0.5, ["Output"] = 1.5, ["LongContext"] = new JsonObject { ["AbovePromptTokens"] = 1000, ["Input"] = 1, ["Output"] = 3 } } };
        await using var host = await GatewayHost.StartAsync(config);

        var snapshot = host.Services.GetRequiredService<GatewayConfigStore>().Current;
        using var ready = await host.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var problems = report.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();

        Assert.Equal(new ModelPrice(0.5m, 1.5m, LongContext: new LongContextTier(1000, 1m, 3m)), snapshot.Models["priced"].Deployments[0].Price);
        Assert.Contains(problems, p => p.StartsWith("no price for deployment 'openai/other-model'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("house-model", StringComparison.Ordinal));
    }
}
