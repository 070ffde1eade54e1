using ServerlessGateway.Configuration;
using static ServerlessGateway.Tests.Routing.RoutingFixture;

namespace ServerlessGateway.Tests.Routing;

/// <summary>Each strategy's choices: distributions under a seeded random source, and adaptation to health.</summary>
public sealed class RoutingStrategyTests
{
    [Fact]
    public void Ordered_keeps_the_configured_order()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.Ordered, Deployment("b", "x"), Deployment("a", "y"), Deployment("c", "z"));

        Assert.Equal(["b/x", "a/y", "c/z"], routing.Plan());
    }

    [Fact]
    public void Weighted_sends_traffic_in_proportion_to_the_weights()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.Weighted, Deployment("a", "x", weight: 6), Deployment("b", "y", weight: 3), Deployment("c", "z", weight: 1));
        var firsts = Enumerable.Range(0, 10_000).Select(_ => routing.Plan()[0]).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());

        Assert.InRange(firsts["a/x"], 5_700, 6_300);
        Assert.InRange(firsts["b/y"], 2_700, 3_300);
        Assert.InRange(firsts["c/z"], 800, 1_200);
    }

    [Fact]
    public void Weighted_failover_order_is_a_permutation_of_every_deployment()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.Weighted, Deployment("a", "x", weight: 6), Deployment("b", "y", weight: 3), Deployment("c", "z", weight: 1));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(["a/x", "b/y", "c/z"], routing.Plan().Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Priority_groups_are_tried_in_order_whatever_the_strategy()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.Weighted, Deployment("c", "payg", weight: 100, priority: 1), Deployment("a", "ptu-1", priority: 0), Deployment("b", "ptu-2", priority: 0));

        for (var i = 0; i < 50; i++)
        {
            var plan = routing.Plan();
            Assert.Equal("c/payg", plan[2]);
        }
    }

    [Fact]
    public void Lowest_latency_measures_every_deployment_then_prefers_the_fastest_and_moves_when_it_slows()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.LowestLatency, Deployment("a", "x"), Deployment("b", "y"));
        var a = routing.HealthOf("a/x");
        var b = routing.HealthOf("b/y");

        // Unmeasured deployments go first so that each is measured.
        a.Latency.Add(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), routing.Time.GetUtcNow());
        Assert.Equal("a/x", routing.Plan()[0]);
        for (var i = 0; i < 3; i++)
        {
            a.Latency.Add(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), routing.Time.GetUtcNow());
            b.Latency.Add(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300), routing.Time.GetUtcNow());
        }

        Assert.Equal(["a/x", "b/y"], routing.Plan());

        // a slows to 600 ms: within a handful of its own samples the average passes b's and traffic moves.
        var moved = 0;
        for (var i = 1; i <= 10 && moved == 0; i++)
        {
            a.Latency.Add(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(600), routing.Time.GetUtcNow());
            moved = routing.Plan()[0] == "b/y" ? i : 0;
        }

        Assert.InRange(moved, 1, 4);
    }

    [Fact]
    public void Lowest_latency_measures_a_deployment_again_once_its_samples_are_stale()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.LowestLatency, Deployment("a", "x"), Deployment("b", "y"));
        for (var i = 0; i < 5; i++)
        {
            routing.HealthOf("a/x").Latency.Add(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), routing.Time.GetUtcNow());
            routing.HealthOf("b/y").Latency.Add(TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(900), routing.Time.GetUtcNow());
        }

        Assert.Equal("a/x", routing.Plan()[0]);
        routing.Time.Advance(TimeSpan.FromMinutes(6));
        for (var i = 0; i < 3; i++)
        {
            routing.HealthOf("a/x").Latency.Add(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), routing.Time.GetUtcNow());
        }

        Assert.Equal("b/y", routing.Plan()[0]); // b's old samples no longer count: it is measured afresh
    }

    [Fact]
    public void Least_busy_prefers_the_deployment_with_fewest_requests_in_flight()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.LeastBusy, Deployment("a", "x"), Deployment("b", "y"), Deployment("c", "z"));
        routing.HealthOf("a/x").Begin();
        routing.HealthOf("a/x").Begin();
        routing.HealthOf("b/y").Begin();

        Assert.Equal(["c/z", "b/y", "a/x"], routing.Plan());
    }

    [Fact]
    public void Least_busy_spreads_ties_evenly()
    {
        var routing = new RoutingFixture(RoutingStrategyNames.LeastBusy, Deployment("a", "x"), Deployment("b", "y"));
        var a = Enumerable.Range(0, 4_000).Count(_ => routing.Plan()[0] == "a/x");

        Assert.InRange(a, 1_800, 2_200);
    }

    [Fact]
    public void Lowest_cost_puts_the_cheapest_priced_deployment_first_and_unpriced_last()
    {
        var options = new GatewayOptions
        {
            Providers = { ["oai"] = new ProviderOptions { Type = "openai-compatible", BaseUrl = "http://127.0.0.1:9/v1", ApiKey = "k" } },
            Models =
            {
                ["m"] = new ModelOptions
                {
                    Strategy = RoutingStrategyNames.LowestCost,
                    Deployments =
                    [
                        new DeploymentOptions { Provider = "oai", Model = "gpt-4o" },
                        new DeploymentOptions { Provider = "oai", Model = "gpt-4o-mini" },
                        new DeploymentOptions { Provider = "oai", Model = "gpt-4.1" },
                    ],
                },
            },
        };

        Assert.Equal(["oai/gpt-4o-mini", "oai/gpt-4.1", "oai/gpt-4o"], new RoutingFixture(options).Plan());
    }

    [Fact]
    public void Usage_headroom_prefers_the_deployment_with_the_most_quota_left()
    {
        var routing = new RoutingFixture(
            RoutingStrategyNames.UsageHeadroom,
            new DeploymentOptions { Provider = "a", Model = "x", RequestsPerMinute = 100 },
            new DeploymentOptions { Provider = "b", Model = "y", RequestsPerMinute = 100 });
        for (var i = 0; i < 60; i++)
        {
            routing.HealthOf("a/x").CountUsage(10);
        }

        Assert.Equal(["b/y", "a/x"], routing.Plan());

        routing.HealthOf("b/y").ReportQuota(new ServerlessGateway.Resilience.ProviderRateHints { RequestsRemaining = 5, RequestsReset = TimeSpan.FromSeconds(30) });
        Assert.Equal(["a/x", "b/y"], routing.Plan()); // the provider says b has 5 of 100 left: a's 40 % is more
    }

    [Fact]
    public void A_prompt_longer_than_a_deployments_context_window_skips_it_and_the_long_context_model_takes_over()
    {
        var options = new GatewayOptions
        {
            Providers = { ["a"] = new ProviderOptions { Type = "mock" } },
            Models =
            {
                ["m"] = new ModelOptions { LongContextModel = "long", Deployments = [new DeploymentOptions { Provider = "a", Model = "small", ContextWindow = 100 }] },
                ["long"] = new ModelOptions { Deployments = [new DeploymentOptions { Provider = "a", Model = "big", ContextWindow = 1_000_000 }] },
            },
        };
        var routing = new RoutingFixture(options);
        var longBody = """{"model":"m","messages":[{"role":"user","content":" """ + new string('x', 2000) + "\"}]}";

        Assert.Equal(["a/small"], routing.Plan());
        Assert.Equal(["a/big"], routing.Plan(body: longBody, promptTokens: 500));

        // A body past the exact-count limit (a base64 image, say) is not skipped on an estimate: the provider decides.
        var image = """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,""" + new string('A', 300_000) + "\"}}]}]}";
        Assert.Equal(["a/small"], routing.Plan(body: image, promptTokens: 150_000));
    }

    [Fact]
    public void Fallback_models_follow_the_models_own_deployments_once_each()
    {
        var options = new GatewayOptions
        {
            Providers = { ["a"] = new ProviderOptions { Type = "mock" } },
            Resilience = { DefaultFallbacks = ["last"] },
            Models =
            {
                ["m"] = new ModelOptions { Fallbacks = ["f"], Deployments = [new DeploymentOptions { Provider = "a", Model = "one" }] },
                ["f"] = new ModelOptions { Deployments = [new DeploymentOptions { Provider = "a", Model = "one" }, new DeploymentOptions { Provider = "a", Model = "two" }] },
                ["last"] = new ModelOptions { Deployments = [new DeploymentOptions { Provider = "a", Model = "three" }] },
            },
        };

        Assert.Equal(["a/one", "a/two", "a/three"], new RoutingFixture(options).Plan());
    }
}
