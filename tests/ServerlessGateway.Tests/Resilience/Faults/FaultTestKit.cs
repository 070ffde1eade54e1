using ServerlessGateway.Configuration;
using ServerlessGateway.Routing;

namespace ServerlessGateway.Tests.Resilience.Faults;

/// <summary>Deployments compiled by the real snapshot builder, and random sources a test controls.</summary>
internal static class FaultTestKit
{
    public static SnapshotResult Build(params FaultOptions[] faults) => Build(new Dictionary<string, FaultOptions[]> { ["m"] = faults });

    /// <summary>One mock deployment per entry (model "m" → deployment "mock/m"), with the given faults.</summary>
    public static SnapshotResult Build(Dictionary<string, FaultOptions[]> faultsByModel)
    {
        var options = new GatewayOptions { Providers = { ["mock"] = new ProviderOptions { Type = "mock" } } };
        foreach (var (model, faults) in faultsByModel)
        {
            var deployment = new DeploymentOptions { Provider = "mock", Model = model };
            deployment.Faults.AddRange(faults);
            options.Models[model] = new ModelOptions { Deployments = { deployment } };
        }

        return new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);
    }

    public static Deployment Deployment(params FaultOptions[] faults)
    {
        var result = Build(faults);
        Assert.True(result.Snapshot is not null, string.Join("\n", result.Errors));
        return result.Snapshot.Models["m"].Deployments[0];
    }
}

/// <summary>A seeded generator: the same draws on every run, spread like real ones.</summary>
internal sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random random = new(seed);

    public int Draws { get; private set; }

    public double NextDouble()
    {
        Draws++;
        return random.NextDouble();
    }
}

/// <summary>Hands out the given draws in order and counts what was taken.</summary>
internal sealed class ScriptedRandomSource(params double[] draws) : IRandomSource
{
    public int Draws { get; private set; }

    public double NextDouble() => draws[Draws++];
}
