using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

/// <summary>Operators verify their fallbacks with injected faults; provider quota headers steer traffic before a 429.</summary>
public sealed class FaultDrillTests
{
    private const string Request = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task An_admins_fault_header_fails_the_primary_and_the_fallback_serves()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, fallback));
        using var client = gateway.CreateClient(GatewayHost.MasterKey);

        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Request, MediaTypeHeaderValue.Parse("application/json")) };
        message.Headers.Add("x-gateway-fault", "status=503; deployment=up0/upstream");
        using var response = await client.SendAsync(message);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from fallback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(primary.Requests); // nothing was sent: the fault stood in for the upstream's answer
        Assert.Contains("fault:header status", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_admin_key_may_not_inject_faults()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Request, MediaTypeHeaderValue.Parse("application/json")) };
        message.Headers.Add("x-gateway-fault", "status=503");
        using var response = await gateway.Client.SendAsync(message);

        await Json.AssertErrorAsync(response, 403, "fault_injection_forbidden");
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task A_configured_fault_rate_of_one_drills_every_request_into_the_fallback()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        var config = TwoDeployments(primary, fallback);
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["Faults"] = new JsonArray(new JsonObject { ["Kind"] = "status", ["Rate"] = 1, ["Status"] = 500 });
        config["Gateway"]!["Resilience"] = new JsonObject { ["Breaker"] = new JsonObject { ["ConsecutiveFailures"] = 1000 } };
        await using var gateway = await GatewayHost.StartAsync(config);

        for (var i = 0; i < 5; i++)
        {
            using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);
            Assert.Contains("from fallback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("fault:config status; up0/upstream=500", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
        }

        Assert.Empty(primary.Requests);
    }

    [Fact]
    public async Task A_deployment_whose_provider_reports_no_requests_left_is_skipped_before_its_429()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary"),
            ("x-ratelimit-limit-requests", "100"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "30s")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, fallback));

        Assert.Contains("from primary", await (await gateway.Client.PostAsync("/v1/chat/completions", Request)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var second = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("from fallback", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("skip up0/upstream=no-headroom", second.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
        Assert.Single(primary.Requests);
    }

    private static JsonObject TwoDeployments(FakeUpstream primary, FakeUpstream fallback)
    {
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("other", fallback.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"] = new JsonObject
        {
            ["Deployments"] = new JsonArray(new JsonObject { ["Provider"] = "up0", ["Model"] = "upstream" }, new JsonObject { ["Provider"] = "up1", ["Model"] = "upstream" }),
        };
        return config;
    }
}
