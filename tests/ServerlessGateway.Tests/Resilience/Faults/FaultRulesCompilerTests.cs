using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Tests.Resilience.Faults;

public sealed class FaultRulesCompilerTests
{
    private const string Path = "Gateway:Models:m:Deployments:0:Faults";

    [Fact]
    public void Faults_compile_into_adjacent_slices_with_their_settings_and_defaults()
    {
        var deployment = FaultTestKit.Deployment(
            new FaultOptions { Kind = "status", Rate = 0.2, Status = 429, RetryAfterSeconds = 2 },
            new FaultOptions { Kind = "Delay", Rate = 0.3, DelayMs = 250 },
            new FaultOptions { Kind = "cut", Rate = 0 },
            new FaultOptions { Kind = "cut", Rate = 0.1, CutAfterChunks = 3 },
            new FaultOptions { Kind = "status", Rate = 0.1 });

        var rules = deployment.Faults.Rules;
        Assert.Equal(4, rules.Count); // the rate-0 fault can never happen: dropped
        Assert.Equal([0.2, 0.5, 0.6, 0.7], rules.Select(r => Math.Round(r.UpTo, 9)));
        Assert.Equal(new FaultPlan(FaultKind.Status) { Status = 429, RetryAfterSeconds = 2, Source = "config" }, rules[0].Plan);
        Assert.Equal(new FaultPlan(FaultKind.Delay) { Delay = TimeSpan.FromMilliseconds(250), Source = "config" }, rules[1].Plan);
        Assert.Equal(3, rules[2].Plan.CutAfterChunks);
        Assert.Equal(503, rules[3].Plan.Status);

        Assert.Equal(FaultKind.Status, deployment.Faults.Pick(0.0)!.Kind);
        Assert.Equal(FaultKind.Delay, deployment.Faults.Pick(0.2)!.Kind); // a slice's upper end belongs to the next one
        Assert.Equal(FaultKind.Cut, deployment.Faults.Pick(0.59)!.Kind);
        Assert.Equal(503, deployment.Faults.Pick(0.69)!.Status);
        Assert.Null(deployment.Faults.Pick(0.7));
        Assert.Null(deployment.Faults.Pick(0.999));
    }

    [Fact]
    public void A_deployment_without_faults_has_none_and_rates_that_sum_to_one_by_decimal_arithmetic_are_accepted()
    {
        Assert.True(FaultTestKit.Deployment().Faults.IsEmpty);

        var full = FaultTestKit.Deployment(
            new FaultOptions { Kind = "status", Rate = 0.1 },
            new FaultOptions { Kind = "status", Rate = 0.2 },
            new FaultOptions { Kind = "status", Rate = 0.7 });
        Assert.NotNull(full.Faults.Pick(0.9999999));
    }

    public static TheoryData<FaultOptions, string> Invalid => new()
    {
        { new FaultOptions { Kind = "explode", Rate = 0.1 }, $"{Path}:0:Kind must be one of status, delay, cut; it is 'explode'." },
        { new FaultOptions { Rate = 0.1 }, $"{Path}:0:Kind must be one of status, delay, cut; it is ''." },
        { new FaultOptions { Kind = "status" }, $"{Path}:0:Rate must be set" },
        { new FaultOptions { Kind = "status", Rate = 1.5 }, $"{Path}:0:Rate must be between 0 and 1; it is 1.5." },
        { new FaultOptions { Kind = "status", Rate = -0.1 }, $"{Path}:0:Rate must be between 0 and 1; it is -0.1." },
        { new FaultOptions { Kind = "status", Rate = double.NaN }, $"{Path}:0:Rate must be between 0 and 1" },
        { new FaultOptions { Kind = "status", Rate = 0.1, Status = 200 }, $"{Path}:0:Status must be an HTTP error status (400 to 599); it is 200." },
        { new FaultOptions { Kind = "status", Rate = 0.1, Status = 600 }, $"{Path}:0:Status must be an HTTP error status (400 to 599); it is 600." },
        { new FaultOptions { Kind = "status", Rate = 0.1, RetryAfterSeconds = -1 }, $"{Path}:0:RetryAfterSeconds must be between 0 and 86400" },
        { new FaultOptions { Kind = "status", Rate = 0.1, DelayMs = 100 }, $"{Path}:0:DelayMs does not apply to a status fault" },
        { new FaultOptions { Kind = "delay", Rate = 0.1 }, $"{Path}:0:DelayMs must be set for a delay fault" },
        { new FaultOptions { Kind = "delay", Rate = 0.1, DelayMs = 0 }, $"{Path}:0:DelayMs must be between 1 and 600000; it is 0." },
        { new FaultOptions { Kind = "delay", Rate = 0.1, DelayMs = 700_000 }, $"{Path}:0:DelayMs must be between 1 and 600000; it is 700000." },
        { new FaultOptions { Kind = "delay", Rate = 0.1, DelayMs = 5, Status = 503 }, $"{Path}:0:Status does not apply to a delay fault" },
        { new FaultOptions { Kind = "cut", Rate = 0.1, CutAfterChunks = -1 }, $"{Path}:0:CutAfterChunks must be between 0 and 1000000; it is -1." },
        { new FaultOptions { Kind = "cut", Rate = 0.1, RetryAfterSeconds = 1 }, $"{Path}:0:RetryAfterSeconds does not apply to a cut fault" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_fault_is_reported_with_its_path(FaultOptions fault, string expected)
    {
        var result = FaultTestKit.Build(fault);

        Assert.Null(result.Snapshot);
        Assert.Contains(result.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Rates_summing_past_one_and_every_other_problem_are_reported_together()
    {
        var result = FaultTestKit.Build(new Dictionary<string, FaultOptions[]>
        {
            ["m"] = [new FaultOptions { Kind = "status", Rate = 0.6 }, new FaultOptions { Kind = "cut", Rate = 0.5 }],
            ["n"] = [new FaultOptions { Kind = "delay", Rate = 0.1 }],
        });

        Assert.Null(result.Snapshot);
        Assert.Contains(Path + ": the fault rates add up to 1.1; one attempt gets at most one fault, so they must add up to at most 1.", result.Errors);
        Assert.Contains(result.Errors, e => e.StartsWith("Gateway:Models:n:Deployments:0:Faults:0:DelayMs must be set", StringComparison.Ordinal));
    }

    [Fact]
    public void Faults_bind_from_the_configuration_document()
    {
        var options = new GatewayOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Providers:mock:Type"] = "mock",
                ["Gateway:Models:m:Deployments:0:Provider"] = "mock",
                ["Gateway:Models:m:Deployments:0:Model"] = "m",
                ["Gateway:Models:m:Deployments:0:Faults:0:Kind"] = "status",
                ["Gateway:Models:m:Deployments:0:Faults:0:Rate"] = "0.25",
                ["Gateway:Models:m:Deployments:0:Faults:0:Status"] = "502",
            })
            .Build()
            .GetSection(GatewayOptions.SectionName)
            .Bind(options);

        var snapshot = new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options).Snapshot!;

        var rule = Assert.Single(snapshot.Models["m"].Deployments[0].Faults.Rules);
        Assert.Equal((502, 0.25), (rule.Plan.Status, rule.Rate));
    }
}
