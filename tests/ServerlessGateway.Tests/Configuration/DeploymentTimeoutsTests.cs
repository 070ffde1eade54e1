using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Tests.Configuration;

/// <summary>Each deployment's connect, first-token, idle and total limits: where they come from, and what is refused.</summary>
public sealed class DeploymentTimeoutsTests
{
    private static SnapshotResult Build(GatewayOptions options) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);

    private static GatewayOptions Options(ProviderOptions provider, params DeploymentOptions[] deployments)
    {
        provider.Type ??= ProviderTypes.OpenAICompatible;
        provider.BaseUrl ??= "http://127.0.0.1:9/v1";
        var model = new ModelOptions();
        foreach (var deployment in deployments)
        {
            deployment.Provider ??= "p";
            deployment.Model ??= "m";
            model.Deployments.Add(deployment);
        }

        return new GatewayOptions { Providers = { ["p"] = provider }, Models = { ["m"] = model } };
    }

    private static DeploymentTimeouts Resolved(GatewayOptions options, int deployment = 0)
    {
        var result = Build(options);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return result.Snapshot!.Models["m"].Deployments[deployment].Timeouts;
    }

    [Fact]
    public void Without_any_setting_a_deployment_gets_the_defaults()
    {
        var timeouts = Resolved(Options(new ProviderOptions(), new DeploymentOptions()));

        Assert.Equal(DeploymentTimeouts.Default, timeouts);
        Assert.Equal((10, 120, 60, 120), (timeouts.Connect.TotalSeconds, timeouts.FirstToken.TotalSeconds, timeouts.Idle.TotalSeconds, timeouts.Total.TotalSeconds));
        Assert.False(timeouts.LimitsFirstToken);
    }

    [Fact]
    public void Deployment_values_win_field_by_field_over_the_providers_and_TimeoutSeconds_is_the_total()
    {
        var provider = new ProviderOptions { TimeoutSeconds = 90, Timeouts = new TimeoutOptions { ConnectSeconds = 2, IdleSeconds = 20, FirstTokenSeconds = 30 } };
        var own = new DeploymentOptions { Timeouts = new TimeoutOptions { FirstTokenSeconds = 0.5 } };
        var legacy = new DeploymentOptions { TimeoutSeconds = 45 };

        var options = Options(provider, own, legacy);
        var first = Resolved(options, 0);
        var second = Resolved(options, 1);

        Assert.Equal(new DeploymentTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90)), first);
        Assert.True(first.LimitsFirstToken);
        Assert.Equal(new DeploymentTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(45)), second);
    }

    [Fact]
    public void A_providers_Timeouts_total_is_used_when_nothing_closer_sets_one()
    {
        var timeouts = Resolved(Options(new ProviderOptions { Timeouts = new TimeoutOptions { TotalSeconds = 30 } }, new DeploymentOptions()));

        Assert.Equal(TimeSpan.FromSeconds(30), timeouts.Total);
        Assert.Equal(TimeSpan.FromSeconds(30), timeouts.FirstToken);
    }

    [Fact]
    public void Defaults_longer_than_a_short_total_are_shortened_to_it()
    {
        // Configurations written before these settings existed ("TimeoutSeconds": 5) keep working.
        var timeouts = Resolved(Options(new ProviderOptions { TimeoutSeconds = 5 }, new DeploymentOptions()));

        Assert.Equal(new DeploymentTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)), timeouts);
    }

    [Fact]
    public void Every_out_of_range_or_contradictory_value_is_reported_at_once()
    {
        var provider = new ProviderOptions { Timeouts = new TimeoutOptions { ConnectSeconds = 61, IdleSeconds = 20 } };
        var deployments = new[]
        {
            new DeploymentOptions { Timeouts = new TimeoutOptions { FirstTokenSeconds = 0, TotalSeconds = double.NaN } },
            new DeploymentOptions { Timeouts = new TimeoutOptions { IdleSeconds = 3601 } },
            new DeploymentOptions { TimeoutSeconds = 10, Timeouts = new TimeoutOptions { TotalSeconds = 12, FirstTokenSeconds = 11, IdleSeconds = 5 } },
            new DeploymentOptions { TimeoutSeconds = 15 }, // the provider's idle (20 s) can never apply
        };

        var result = Build(Options(provider, deployments));

        Assert.Null(result.Snapshot);
        string[] expected =
        [
            "Gateway:Providers:p:Timeouts:ConnectSeconds must be between 0.001 and 60; it is 61.",
            "Gateway:Models:m:Deployments:0:Timeouts:FirstTokenSeconds must be between 0.001 and 3600; it is 0.",
            "Gateway:Models:m:Deployments:0:Timeouts:TotalSeconds must be between 0.001 and 3600",
            "Gateway:Models:m:Deployments:1:Timeouts:IdleSeconds must be between 0.001 and 3600; it is 3601.",
            "Gateway:Models:m:Deployments:2: TimeoutSeconds (10) and Timeouts:TotalSeconds (12) both set the total time-out; keep one.",
            "Gateway:Models:m:Deployments:3: Timeouts:IdleSeconds (20, from provider 'p') is longer than the deployment's total time-out (15 s), so it could never apply.",
        ];
        Assert.Equal(expected.Length, result.Errors.Count);
        foreach (var error in expected)
        {
            Assert.Contains(result.Errors, e => e.StartsWith(error, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Fractional_seconds_bind_from_configuration_text()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Providers:p:Type"] = "openai-compatible",
            ["Gateway:Providers:p:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Gateway:Providers:p:Timeouts:IdleSeconds"] = "0.3",
            ["Gateway:Models:m:Deployments:0:Provider"] = "p",
            ["Gateway:Models:m:Deployments:0:Model"] = "m",
            ["Gateway:Models:m:Deployments:0:Timeouts:ConnectSeconds"] = "0.25",
            ["Gateway:Models:m:Deployments:0:Timeouts:TotalSeconds"] = "1.5",
        }).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);

        var timeouts = Resolved(options);

        Assert.Equal((0.25, 1.5, 0.3, 1.5), (timeouts.Connect.TotalSeconds, timeouts.FirstToken.TotalSeconds, timeouts.Idle.TotalSeconds, timeouts.Total.TotalSeconds));
    }
}
