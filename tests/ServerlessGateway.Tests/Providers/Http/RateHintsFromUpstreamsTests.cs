using System.Text.Json.Nodes;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Providers.Anthropic;
using ServerlessGateway.Tests.Providers.Gemini;

namespace ServerlessGateway.Tests.Providers.Http;

/// <summary>Rate hints arrive with every answer through the real gateway: successes, streams and errors, for each API.</summary>
public sealed class RateHintsFromUpstreamsTests
{
    private const string Chat = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    private static readonly (string, string)[] OpenAIHeaders =
    [
        ("x-ratelimit-limit-requests", "500"), ("x-ratelimit-remaining-requests", "499"), ("x-ratelimit-reset-requests", "120ms"),
        ("x-ratelimit-limit-tokens", "30000"), ("x-ratelimit-remaining-tokens", "29782"), ("x-ratelimit-reset-tokens", "1m0.5s"),
    ];

    private static readonly ProviderRateHints OpenAIHints = new()
    {
        RequestsLimit = 500, RequestsRemaining = 499, RequestsReset = TimeSpan.FromMilliseconds(120),
        TokensLimit = 30000, TokensRemaining = 29782, TokensReset = TimeSpan.FromSeconds(60.5),
    };

    [Fact]
    public async Task A_successful_answer_carries_the_upstreams_hints()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion(), OpenAIHeaders));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        response.EnsureSuccessStatusCode();
        var attempt = Assert.Single(tap.Attempts);
        Assert.Null(attempt.Failure);
        Assert.Equal(OpenAIHints, attempt.RateHints);
    }

    [Fact]
    public async Task A_stream_carries_the_hints_of_its_headers()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            foreach (var (name, value) in OpenAIHeaders)
            {
                c.Response.Headers[name] = value;
            }

            await Respond.Sse(c, [OpenAIWire.Chunk("hi", "stop", role: true)]);
        });
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(OpenAIHints, Assert.Single(tap.Attempts).RateHints);
    }

    [Fact]
    public async Task A_429_carries_its_hints_and_the_callers_retry_after_agrees_with_them()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 429, OpenAIWire.Error("Rate limit reached", "requests", "rate_limit_exceeded"),
            ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "1.5s"), ("retry-after-ms", "1500"), ("retry-after", "1")));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        await Json.AssertErrorAsync(response, 429, "rate_limit_exceeded");
        var failure = tap.Failure();
        Assert.Equal(new ProviderRateHints { RequestsRemaining = 0, RequestsReset = TimeSpan.FromSeconds(1.5), RetryAfter = TimeSpan.FromSeconds(1.5) }, failure.RateHints);
        Assert.Equal(2, failure.Error.RetryAfterSeconds);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Anthropics_answers_and_errors_carry_its_hints()
    {
        var reset = DateTimeOffset.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        (string, string)[] headers = [("anthropic-ratelimit-requests-limit", "4000"), ("anthropic-ratelimit-requests-remaining", "3999"), ("anthropic-ratelimit-input-tokens-reset", reset)];
        var status = 200;
        await using var upstream = await FakeUpstream.StartAsync(c => status == 200
            ? Respond.Json(c, 200, AnthropicTestWire.Message("Hi"), headers)
            : Respond.Json(c, status, AnthropicTestWire.Error("rate_limit_error", "Slow down."), [.. headers, ("retry-after", "20")]));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl), services: tap.Install);
        const string Request = """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""";

        using (var answer = await gateway.Client.PostAsync("/v1/chat/completions", Request))
        {
            answer.EnsureSuccessStatusCode();
        }

        status = 429;
        using var refused = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.Headers.RetryAfter?.Delta);
        var hints = tap.Attempts.Select(a => a.RateHints!).ToArray();
        Assert.All(hints, h => Assert.Equal((4000L, 3999L), (h.RequestsLimit, h.RequestsRemaining)));
        Assert.All(hints, h => Assert.InRange(h.InputTokensReset!.Value, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));
        Assert.Equal([null, TimeSpan.FromSeconds(20)], hints.Select(h => h.RetryAfter));
    }

    [Fact]
    public async Task Geminis_RetryInfo_is_the_retry_after_of_its_hints_beside_the_headers_counts()
    {
        const string RetryInfo = """{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34.4s"}""";
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 429, GeminiSamples.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", RetryInfo),
            ("x-ratelimit-remaining-requests", "0"), ("retry-after", "5")));
        var config = GatewayHost.Config();
        config["Gateway"]!["Providers"]!["gemini"] = new JsonObject { ["Type"] = "gemini", ["BaseUrl"] = upstream.BaseUrl + "/v1beta", ["ApiKey"] = "k" };
        config["Gateway"]!["Models"]!["gemini"] = GatewayHost.Deployments(("gemini", "gemini-2.5-flash"));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(config, services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(35), response.Headers.RetryAfter?.Delta);
        Assert.Equal(new ProviderRateHints { RequestsRemaining = 0, RetryAfter = TimeSpan.FromSeconds(34.4) }, tap.Failure().RateHints);
    }
}
