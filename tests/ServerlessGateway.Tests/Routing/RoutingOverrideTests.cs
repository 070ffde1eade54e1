using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

/// <summary>A key allowed to may route one request its own way with x-gateway-routing, validated like configuration.</summary>
public sealed class RoutingOverrideTests : IAsyncLifetime
{
    private const string OverrideKey = "sk-test-override-0003";
    private const string Request = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    private FakeUpstream primary = null!;
    private FakeUpstream other = null!;
    private GatewayHost gateway = null!;
    private int otherFailures;

    public async ValueTask InitializeAsync()
    {
        primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        other = await FakeUpstream.StartAsync(c => Interlocked.Decrement(ref otherFailures) >= 0
            ? Respond.Json(c, 502, OpenAIWire.Error("blip", "server_error"))
            : Respond.Json(c, 200, OpenAIWire.Completion("from other")));
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("other", other.BaseUrl), ("secret", other.BaseUrl));
        var keys = config["Gateway"]!["Keys"]!.AsArray();
        keys.Add(new JsonObject { ["Name"] = "router", ["Key"] = OverrideKey, ["Models"] = new JsonArray("gpt", "other"), ["AllowRoutingOverride"] = true });
        gateway = await GatewayHost.StartAsync(config);
    }

    public async ValueTask DisposeAsync()
    {
        await gateway.DisposeAsync();
        await primary.DisposeAsync();
        await other.DisposeAsync();
    }

    [Fact]
    public async Task An_allowed_key_sends_a_request_to_its_own_targets_with_its_own_retries()
    {
        otherFailures = 2;
        using var response = await SendAsync(OverrideKey, """{"targets":["other"],"retries":2,"strategy":"least-busy"}""");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from other", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("3", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.StartsWith("override; gpt/least-busy", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
        Assert.Empty(primary.Requests);
    }

    [Fact]
    public async Task A_key_without_the_permission_is_refused()
    {
        using var response = await SendAsync(GatewayHost.Key, """{"targets":["other"]}""");

        await Json.AssertErrorAsync(response, 403, "routing_override_forbidden");
    }

    [Theory]
    [InlineData("""{"targets":["secret"]}""", "'targets' names 'secret', which is not a servable model this key may use.")]
    [InlineData("""{"targets":["nope"]}""", "'targets' names 'nope', which is not a servable model this key may use.")]
    [InlineData("""{"targets":[]}""", "'targets' must be an array of 1 to 16 model names.")]
    [InlineData("""{"strategy":"fastest"}""", "'strategy' must be one of ordered, weighted, lowest-latency, least-busy, lowest-cost, usage-headroom.")]
    [InlineData("""{"retries":11}""", "'retries' must be a whole number (0..10).")]
    [InlineData("""{"hedge_after_ms":0}""", "'hedge_after_ms' must be a whole number (1..600000).")]
    [InlineData("""{"target":["other"]}""", "unknown field 'target' (known: strategy, targets, fallbacks, retries, hedge_after_ms).")]
    [InlineData("""["other"]""", "must be a JSON object.")]
    public async Task A_malformed_override_is_a_400_naming_the_problem(string header, string problem)
    {
        using var response = await SendAsync(OverrideKey, header);

        Assert.Equal("x-gateway-routing: " + problem, await Json.AssertErrorAsync(response, 400, "invalid_routing_override"));
        Assert.Empty(primary.Requests);
    }

    private async Task<HttpResponseMessage> SendAsync(string key, string routing)
    {
        using var client = gateway.CreateClient(key);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Request, MediaTypeHeaderValue.Parse("application/json")) };
        message.Headers.TryAddWithoutValidation("x-gateway-routing", routing);
        return await client.SendAsync(message);
    }
}
