using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Governance;

/// <summary>Rate limits end to end: OpenAI's 429 shape and headers, per level, and token limits charged up front.</summary>
public sealed class RateLimitEnforcementTests
{
    private const string LimitedKey = "sk-limited-0001";
    private const string Chat = """{"model":"mock-echo","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Requests_past_the_per_minute_limit_get_openai_shaped_429s_with_headers()
    {
        await using var gateway = await GatewayHost.StartAsync(Config(new JsonObject { ["RequestsPerMinute"] = 3 }));
        using var client = gateway.CreateClient(LimitedKey);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("3", response.Headers.GetValues("x-ratelimit-limit-requests").Single());
                response.Dispose();
            }
            else
            {
                refused?.Dispose();
                refused = response;
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var body = await Json.AssertErrorAsync(refused!, 429, "rate_limit_exceeded");
        Assert.Contains("key", body, StringComparison.Ordinal);
        Assert.True(int.Parse(refused!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 60);
        Assert.Equal("0", refused.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        refused.Dispose();
    }

    [Fact]
    public async Task A_burst_far_past_the_limit_is_admitted_up_to_the_limit_exactly()
    {
        await using var gateway = await GatewayHost.StartAsync(Config(new JsonObject { ["RequestsPerMinute"] = 60 }));
        using var client = gateway.CreateClient(LimitedKey);

        var started = DateTimeOffset.UtcNow;
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
            return response.StatusCode;
        }));
        var windows = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 - started.ToUnixTimeSeconds() / 60) + 1;

        // Requests waiting on another's lease refill are not refused for it: the burst gets the whole allowance.
        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.InRange(admitted, 60, 60 * windows);
        Assert.Equal(200 - admitted, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_request_whose_estimate_exceeds_the_token_limit_is_refused_before_the_call()
    {
        await using var gateway = await GatewayHost.StartAsync(Config(new JsonObject { ["TokensPerMinute"] = 500 }));
        using var client = gateway.CreateClient(LimitedKey);

        using var response = await client.PostAsync(
            "/v1/chat/completions",
            new StringContent("""{"model":"mock-echo","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        var body = await Json.AssertErrorAsync(response, 429, "rate_limit_exceeded");
        Assert.Contains("tokens", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_route_that_reaches_a_provider_goes_through_admission()
    {
        await using var gateway = await GatewayHost.StartAsync(Config(new JsonObject { ["RequestsPerMinute"] = 1 }));
        (string Path, string Body)[] routes =
        [
            ("/v1/chat/completions", Chat),
            ("/v1/embeddings", """{"model":"mock-embedding","input":"hi"}"""),
            ("/v1/messages", """{"model":"mock-echo","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""),
        ];

        // The routes listed must be all of the provider-reaching POST routes the app maps.
        var mapped = gateway.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/v1/", StringComparison.Ordinal) && !p.Contains("count_tokens", StringComparison.Ordinal) && !p.Contains("tokenize", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal(routes.Select(r => r.Path).Order(StringComparer.Ordinal), mapped);

        // One request uses the key's whole allowance; every route must then refuse it.
        using var client = gateway.CreateClient(LimitedKey);
        using (var first = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        foreach (var (path, body) in routes)
        {
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{path} answered {(int)response.StatusCode}, not 429");
        }
    }

    private static JsonObject Config(JsonObject limits)
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Keys"]!.AsArray().Add(new JsonObject { ["Name"] = "limited", ["Key"] = LimitedKey, ["Limits"] = limits });
        return config;
    }
}
