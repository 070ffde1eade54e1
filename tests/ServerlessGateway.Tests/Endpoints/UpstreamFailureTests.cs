using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints;

/// <summary>Upstream errors keep their status and message; deployment failures move to the next deployment.</summary>
public sealed class UpstreamFailureTests
{
    private const string Request = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_429_keeps_its_status_message_and_retry_after()
    {
        await using var upstream = await FakeUpstream.StartAsync(c =>
            Respond.Json(c, 429, OpenAIWire.Error("Rate limit reached for gpt-4o-mini", "requests", "rate_limit_exceeded"), ("retry-after", "7")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal("Rate limit reached for gpt-4o-mini", await Json.AssertErrorAsync(response, 429, "rate_limit_exceeded"));
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_non_json_upstream_error_is_wrapped_in_an_openai_error_with_the_same_status()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            c.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await c.Response.WriteAsync("<html>upstream maintenance</html>");
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("upstream maintenance", await Json.AssertErrorAsync(response, 503), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task A_deployment_failure_moves_to_the_next_deployment(int status)
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, status, OpenAIWire.Error("primary failed", "server_error")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, fallback));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from fallback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Single(primary.Requests);
    }

    [Fact]
    public async Task A_400_is_the_requests_fault_and_is_not_retried_elsewhere()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 400, OpenAIWire.Error("Invalid 'messages[0].content'", code: "invalid_value")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, fallback));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal("Invalid 'messages[0].content'", await Json.AssertErrorAsync(response, 400, "invalid_value"));
        Assert.Empty(fallback.Requests);
    }

    [Fact]
    public async Task The_last_failure_is_returned_when_every_deployment_fails()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 500, OpenAIWire.Error("first broke", "server_error")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 503, OpenAIWire.Error("second overloaded", "server_error")));
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, fallback));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal("second overloaded", await Json.AssertErrorAsync(response, 503));

        // The primary once; the last deployment, with nothing left to fail over to, once more after a backoff.
        Assert.Equal("3", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Single(primary.Requests);
        Assert.Equal(2, fallback.Requests.Count);
    }

    [Fact]
    public async Task A_slow_upstream_times_out_with_a_504()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
            await Respond.Json(c, 200, OpenAIWire.Completion());
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Providers"]!["up0"]!["TimeoutSeconds"] = 1;
        await using var gateway = await GatewayHost.StartAsync(config);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("did not respond within 1 s", await Json.AssertErrorAsync(response, 504, "upstream_timeout"), StringComparison.Ordinal);
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_unreachable_upstream_is_a_502()
    {
        var closedPort = GetFreeLoopbackPort();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", $"http://127.0.0.1:{closedPort}")));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        await Json.AssertErrorAsync(response, 502, "upstream_unreachable");
    }

    [Fact]
    public async Task A_success_status_with_a_body_that_is_not_json_is_a_502()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, "{\"id\": truncated"));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        await Json.AssertErrorAsync(response, 502, "upstream_invalid_response");
    }

    private static System.Text.Json.Nodes.JsonObject TwoDeployments(FakeUpstream primary, FakeUpstream fallback)
    {
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("spare", fallback.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"] = GatewayHost.Deployments(("up0", "upstream-gpt"), ("up1", "upstream-spare"));
        return config;
    }

    private static int GetFreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
