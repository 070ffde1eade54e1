using ServerlessGateway.Configuration;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Tests.Resilience.Faults;

public sealed class FaultInjectorTests
{
    private const int Draws = 10_000;

    // Four standard deviations of a share over 10,000 draws (at most 0.005 for p = 0.5): a seeded run well inside it.
    private const double Tolerance = 0.02;

    [Fact]
    public void Over_ten_thousand_draws_each_configured_fault_comes_at_its_rate_and_at_most_one_per_attempt()
    {
        var deployment = FaultTestKit.Deployment(
            new FaultOptions { Kind = "status", Rate = 0.1, Status = 503 },
            new FaultOptions { Kind = "delay", Rate = 0.25, DelayMs = 100 },
            new FaultOptions { Kind = "cut", Rate = 0.05, CutAfterChunks = 2 });
        var random = new SeededRandomSource(20260310);
        var injector = new FaultInjector(random);

        var plans = Enumerable.Range(0, Draws).Select(_ => injector.Plan(deployment, null)).ToList();

        Assert.Equal(Draws, random.Draws); // one draw per attempt
        AssertShare(0.1, plans.Count(p => p?.Kind == FaultKind.Status), "status");
        AssertShare(0.25, plans.Count(p => p?.Kind == FaultKind.Delay), "delay");
        AssertShare(0.05, plans.Count(p => p?.Kind == FaultKind.Cut), "cut");
        AssertShare(0.6, plans.Count(p => p is null), "no fault");
        Assert.All(plans.OfType<FaultPlan>(), p => Assert.Equal("config", p.Source));
    }

    [Fact]
    public void A_header_rate_below_one_is_drawn_for_and_replaces_the_configured_faults_of_the_deployments_it_targets()
    {
        var deployment = FaultTestKit.Deployment(new FaultOptions { Kind = "delay", Rate = 1, DelayMs = 100 });
        var header = FaultHeaderParser.Parse("status=429; rate=0.3", out _)!;
        var injector = new FaultInjector(new SeededRandomSource(7));

        var plans = Enumerable.Range(0, Draws).Select(_ => injector.Plan(deployment, header)).ToList();

        AssertShare(0.3, plans.Count(p => p is { Kind: FaultKind.Status, Status: 429, Source: "header" }), "header status");
        AssertShare(0.7, plans.Count(p => p is null), "no fault (the configured delay does not apply meanwhile)");
    }

    [Fact]
    public void A_header_naming_another_deployment_leaves_this_one_to_its_configured_faults()
    {
        var snapshot = FaultTestKit.Build(new Dictionary<string, FaultOptions[]>
        {
            ["a"] = [new FaultOptions { Kind = "cut", Rate = 1, CutAfterChunks = 4 }],
            ["b"] = [],
        }).Snapshot!;
        var a = snapshot.Models["a"].Deployments[0];
        var b = snapshot.Models["b"].Deployments[0];
        var header = FaultHeaderParser.Parse("status=502; deployment=mock/b", out _)!;
        var random = new ScriptedRandomSource(0.5);
        var injector = new FaultInjector(random);

        Assert.Equal(new FaultPlan(FaultKind.Cut) { CutAfterChunks = 4, Source = "config" }, injector.Plan(a, header));
        Assert.Equal(new FaultPlan(FaultKind.Status) { Status = 502, Source = "header" }, injector.Plan(b, header));
        Assert.Equal(1, random.Draws); // only the configured rule drew; a header at rate 1 needs no draw
    }

    [Fact]
    public void Nothing_configured_and_no_header_means_no_fault_and_no_draw()
    {
        var random = new ScriptedRandomSource();
        var injector = new FaultInjector(random);
        var deployment = FaultTestKit.Deployment();

        Assert.Null(injector.Plan(deployment, null));
        Assert.Null(injector.Plan(deployment, FaultHeaderParser.Parse("cut=1; rate=0", out _)));
        Assert.Null(injector.Plan(deployment, FaultHeaderParser.Parse("cut=1; deployment=other/x", out _)));
        Assert.Equal(0, random.Draws);
    }

    private static void AssertShare(double expected, int count, string what)
    {
        var share = (double)count / Draws;
        Assert.True(Math.Abs(share - expected) <= Tolerance, $"{what}: expected a share of {expected}, got {share}");
    }
}
