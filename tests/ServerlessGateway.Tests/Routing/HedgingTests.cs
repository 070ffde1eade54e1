using System.Net;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

/// <summary>Hedged requests: a slow primary is raced by the next candidate; the loser is cancelled; both are metered.</summary>
public sealed class HedgingTests
{
    private const string Request = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_slow_primary_is_hedged_the_hedge_wins_the_primary_is_cancelled_and_both_are_priced_in_the_ledger()
    {
        await using var primary = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);
            await Respond.Json(c, 200, OpenAIWire.Completion("from primary"));
        });
        await using var hedge = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from hedge")));
        await using var gateway = await GatewayHost.StartAsync(Config(primary, hedge, new JsonObject { ["AfterMs"] = 150 }));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from hedge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var trace = response.Headers.GetValues("x-gateway-route").Single();
        Assert.Contains("hedge up1/upstream after 150ms", trace, StringComparison.Ordinal);
        await primary.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(3)); // the upstream saw its request cancelled

        var records = await RecordsAsync(gateway, response.Headers.GetValues("x-request-id").Single());
        var served = records.Single(r => r!["deployment"]!.GetValue<string>() == "up1/upstream")!;
        var lost = records.Single(r => r!["deployment"]!.GetValue<string>() == "up0/upstream")!;
        Assert.Equal(200, served["status"]!.GetValue<int>());
        Assert.Equal((499, "hedge lost", true), (lost["status"]!.GetValue<int>(), lost["error"]!.GetValue<string>(), lost["usage_estimated"]!.GetValue<bool>()));
        Assert.True(lost["cost_usd"]!.GetValue<decimal>() > 0, "the cancelled attempt may have been billed: it is priced at its worst case");
        Assert.Contains("hedge up1/upstream", served["route"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_primary_that_answers_before_the_delay_is_not_hedged()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var hedge = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from hedge")));
        await using var gateway = await GatewayHost.StartAsync(Config(primary, hedge, new JsonObject { ["AfterMs"] = 2000 }));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("from primary", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(hedge.Requests);
    }

    [Fact]
    public async Task A_percentile_hedge_waits_for_enough_samples_and_then_hedges_past_the_deployments_p95()
    {
        var slow = 0;
        await using var primary = await FakeUpstream.StartAsync(async c =>
        {
            if (Volatile.Read(ref slow) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);
            }

            await Respond.Json(c, 200, OpenAIWire.Completion("from primary"));
        });
        await using var hedge = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from hedge")));
        await using var gateway = await GatewayHost.StartAsync(Config(primary, hedge, new JsonObject { ["AfterPercentile"] = 95 }));

        for (var i = 0; i < 12; i++)
        {
            using var warm = await gateway.Client.PostAsync("/v1/chat/completions", Request);
            Assert.Contains("from primary", await warm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Volatile.Write(ref slow, 1);
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("from hedge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<JsonArray> RecordsAsync(GatewayHost gateway, string requestId)
    {
        using var admin = gateway.CreateClient(GatewayHost.MasterKey);
        for (var i = 0; ; i++)
        {
            using var response = await admin.GetAsync($"/admin/requests/{requestId}");
            var body = response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray() : null;
            if (body is { Count: 2 } || i == 100)
            {
                Assert.NotNull(body);
                return body;
            }

            await Task.Delay(100);
        }
    }

    private static JsonObject Config(FakeUpstream primary, FakeUpstream hedge, JsonObject hedgeOptions)
    {
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("other", hedge.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"] = new JsonObject
        {
            ["Hedge"] = hedgeOptions,
            ["Deployments"] = new JsonArray(
                new JsonObject { ["Provider"] = "up0", ["Model"] = "upstream", ["PriceAs"] = "gpt-4o-mini" },
                new JsonObject { ["Provider"] = "up1", ["Model"] = "upstream", ["PriceAs"] = "gpt-4o-mini" }),
        };
        return config;
    }
}
