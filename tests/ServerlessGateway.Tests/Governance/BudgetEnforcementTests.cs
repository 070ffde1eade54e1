using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Governance;

/// <summary>
/// Reserve, then settle, end to end: concurrent callers cannot spend past a budget (pain point 5), and a paid
/// fallback is checked against the budget before it is called (pain point 6).
/// </summary>
public sealed class BudgetEnforcementTests
{
    private const string BudgetKey = "sk-budget-0001";

    // gpt-4o-mini's default prices: $0.15 per 1M input tokens, $0.60 per 1M output tokens. The upstream
    // answers with the full max_tokens, so each call really costs its worst case: 8 × 0.15 + 100 × 0.60 = $61.2e-6.
    private const int MaxTokens = 100;
    private const decimal CallCost = (8 * 0.15m + MaxTokens * 0.60m) / 1_000_000m;
    private const decimal Budget = 0.001m;

    private static readonly string Request =
        $$"""{"model":"paid","max_tokens":{{MaxTokens}},"messages":[{"role":"user","content":"hi"}]}""";

    private static readonly string StreamRequest =
        $$"""{"model":"paid","stream":true,"max_tokens":{{MaxTokens}},"messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_hundred_concurrent_requests_never_spend_past_a_tiny_budget(bool stream)
    {
        await using var upstream = await FakeUpstream.StartAsync(context => stream
            ? Respond.Sse(context, [OpenAIWire.Chunk("hello", role: true), OpenAIWire.Chunk("", "length"), OpenAIWire.UsageChunk(8, MaxTokens)])
            : Respond.Json(context, 200, FullCompletion));
        await using var gateway = await GatewayHost.StartAsync(Config(upstream.BaseUrl, Budget));
        using var client = gateway.CreateClient(BudgetKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(stream ? StreamRequest : Request, Encoding.UTF8, "application/json"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(200, served + refused.Count);
        Assert.All(refused, r => Assert.Contains("\"insufficient_quota\"", r.Body, StringComparison.Ordinal));

        // What the provider would bill: every call that reached it, at its real cost.
        var billed = upstream.Requests.Count * CallCost;
        Assert.True(billed <= Budget, $"{upstream.Requests.Count} calls cost ${billed}, past the ${Budget} budget");
        Assert.True(served >= 1, "the budget allows at least one call");
        Assert.Equal(served, upstream.Requests.Count);
    }

    [Fact]
    public async Task A_paid_fallback_is_refused_before_it_is_called_when_the_budget_is_spent()
    {
        await using var free = await FakeUpstream.StartAsync(context => Respond.Json(context, 503, OpenAIWire.Error("overloaded", "server_error")));
        await using var paid = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, OpenAIWire.Completion()));
        var config = Config(paid.BaseUrl, budget: 0m);
        var gatewaySection = config["Gateway"]!.AsObject();
        gatewaySection["Providers"]!["free"] = new JsonObject { ["Type"] = "openai-compatible", ["BaseUrl"] = free.BaseUrl + "/v1", ["Auth"] = "none" };
        gatewaySection["Models"]!["paid"]!["Deployments"]!.AsArray().Insert(0, new JsonObject { ["Provider"] = "free", ["Model"] = "local-llama" });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(BudgetKey);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"));

        await Json.AssertErrorAsync(response, 429, "insufficient_quota");
        Assert.Single(free.Requests);
        Assert.Empty(paid.Requests);
    }

    [Fact]
    public async Task A_buffered_answer_states_its_cost_by_the_price_table()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(Config(upstream.BaseUrl, budget: 1m));
        using var client = gateway.CreateClient(BudgetKey);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"));

        // OpenAIWire.Completion: 11 prompt tokens of which 3 cached, 4 output: 8 × 0.15 + 3 × 0.075 + 4 × 0.60 per 1M.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cost = decimal.Parse(response.Headers.GetValues("x-gateway-cost-usd").Single(), CultureInfo.InvariantCulture);
        Assert.Equal((8 * 0.15m + 3 * 0.075m + 4 * 0.60m) / 1_000_000m, cost);
    }

    [Fact]
    public async Task Past_the_downgrade_share_a_budget_is_served_by_the_cheaper_model()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, FullCompletion));
        var config = Config(upstream.BaseUrl, budget: 0.0001m);
        config["Gateway"]!["Models"]!["paid"]!["DowngradeTo"] = "mock-echo";
        config["Gateway"]!["Governance"] = new JsonObject { ["BudgetPolicy"] = new JsonObject { ["DowngradeAt"] = 0.5 } };
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(BudgetKey);

        using var first = await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"));
        using var second = await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"));

        // The first call spends $61.2e-6 of $100e-6: past half, so the second is served by the free mock.
        Assert.False(first.Headers.Contains("x-gateway-downgraded-from"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("paid", second.Headers.GetValues("x-gateway-downgraded-from").Single());
        Assert.Equal("mock", second.Headers.GetValues("x-gateway-provider").Single());
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task Crossing_a_threshold_sends_one_alert_to_the_webhook()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, FullCompletion));
        await using var webhook = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, "{}"));
        var config = Config(upstream.BaseUrl, budget: 0.0002m);
        config["Gateway"]!["Governance"] = new JsonObject
        {
            ["Ledger"] = new JsonObject { ["FlushIntervalMilliseconds"] = 50 },
            ["Alerts"] = new JsonObject { ["Webhooks"] = new JsonArray(new JsonObject { ["Url"] = webhook.BaseUrl + "/hook", ["Format"] = "json" }) },
        };
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(BudgetKey);

        // Two calls: $122.4e-6 of $200e-6 crosses 50% once (the second call crosses nothing new).
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        for (var i = 0; i < 100 && webhook.Requests.IsEmpty; i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(500);
        var alert = JsonNode.Parse(Assert.Single(webhook.Requests).Body)!;
        Assert.Equal("budget_alert", alert["type"]!.GetValue<string>());
        Assert.Equal("key:cfg:budgeted", alert["scope"]!.GetValue<string>());
        Assert.Equal(0.5m, alert["threshold"]!.GetValue<decimal>());
    }

    private static string FullCompletion => OpenAIWire.Completion().Replace(
        "\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15,\"prompt_tokens_details\":{\"cached_tokens\":3}",
        $"\"prompt_tokens\":8,\"completion_tokens\":{MaxTokens},\"total_tokens\":{8 + MaxTokens},\"prompt_tokens_details\":{{\"cached_tokens\":0}}",
        StringComparison.Ordinal);

    public static JsonObject Config(string upstreamBaseUrl, decimal budget)
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        gateway["Providers"]!["paid-upstream"] = new JsonObject
        {
            ["Type"] = "openai-compatible",
            ["BaseUrl"] = upstreamBaseUrl + "/v1",
            ["ApiKey"] = "sk-upstream",
        };
        gateway["Models"]!["paid"] = new JsonObject
        {
            ["Deployments"] = new JsonArray(new JsonObject { ["Provider"] = "paid-upstream", ["Model"] = "gpt-4o-mini", ["PriceAs"] = "gpt-4o-mini" }),
        };
        gateway["Keys"]!.AsArray().Add(new JsonObject
        {
            ["Name"] = "budgeted",
            ["Key"] = BudgetKey,
            ["Budget"] = new JsonObject { ["MaxUsd"] = budget, ["Period"] = "daily" },
        });
        return config;
    }
}
