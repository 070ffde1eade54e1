using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Governance;

/// <summary>
/// Token limits and budgets are asked with the prompt's free upper bound (its bytes) first; the tokenizer runs only
/// when that bound does not fit, so a request far from its limits is never counted and one near them is never
/// refused for want of counting.
/// </summary>
public sealed class PromptBoundTests
{
    private const string Key = "sk-test-bounded-0004";

    [Fact]
    public async Task Far_from_its_limits_a_request_is_admitted_and_priced_without_counting_its_prompt()
    {
        var counter = new CountingTokenCounter();
        await using var upstream = await Upstream();
        await using var gateway = await StartAsync(upstream, counter, tokensPerMinute: 1_000_000, budgetUsd: 1000);

        using var response = await SendAsync(gateway, "hello there", maxTokens: 50);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(0, counter.ChatCounts);
    }

    [Fact]
    public async Task Near_a_token_limit_the_prompt_is_counted_rather_than_refused_on_its_bound()
    {
        var counter = new CountingTokenCounter();
        await using var upstream = await Upstream();
        await using var gateway = await StartAsync(upstream, counter, tokensPerMinute: 1_000, budgetUsd: null);
        var prompt = string.Concat(Enumerable.Repeat("hello ", 300)); // 1,800 bytes, about 300 tokens

        using var response = await SendAsync(gateway, prompt, maxTokens: 100);

        Assert.Equal(200, (int)response.StatusCode); // bound 1,800 + 128 + 100 > 1,000; the count (~400) fits
        Assert.Equal(1, counter.ChatCounts);
    }

    [Fact]
    public async Task A_prompt_whose_count_does_not_fit_is_still_refused_with_its_counted_size()
    {
        await using var upstream = await Upstream();
        await using var gateway = await StartAsync(upstream, new CountingTokenCounter(), tokensPerMinute: 200, budgetUsd: null);
        var prompt = string.Concat(Enumerable.Repeat("hello ", 300));

        using var response = await SendAsync(gateway, prompt, maxTokens: 10);

        var message = await Json.AssertErrorAsync(response, 429, "rate_limit_exceeded");
        Assert.Matches("Requested 3[0-9][0-9]\\.", message);
    }

    private static async Task<GatewayHost> StartAsync(FakeUpstream upstream, CountingTokenCounter counter, long tokensPerMinute, decimal? budgetUsd)
    {
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        var key = new JsonObject { ["Name"] = "bounded", ["Key"] = Key, ["Limits"] = new JsonObject { ["TokensPerMinute"] = tokensPerMinute } };
        if (budgetUsd is { } usd)
        {
            key["Budget"] = new JsonObject { ["MaxUsd"] = usd, ["Period"] = "monthly" };
        }

        config["Gateway"]!["Keys"]!.AsArray().Add(key);
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["PriceAs"] = "gpt-4o-mini";
        return await GatewayHost.StartAsync(config, services: s => s.AddSingleton<ITokenCounter>(sp => counter.Wrap(new TokenCounter(sp.GetRequiredService<GatewayConfigStore>()))));
    }

    /// <summary>A real upstream, not the mock: the mock counts its own usage with the tokenizer.</summary>
    private static Task<FakeUpstream> Upstream() => FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));

    private static async Task<HttpResponseMessage> SendAsync(GatewayHost gateway, string prompt, int maxTokens)
    {
        using var client = gateway.CreateClient(Key);
        var body = new JsonObject
        {
            ["model"] = "gpt",
            ["max_tokens"] = maxTokens,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        return await client.PostAsync("/v1/chat/completions", body.ToJsonString());
    }

    /// <summary>The real counter, counting how often a chat prompt is counted through it.</summary>
    private sealed class CountingTokenCounter : ITokenCounter
    {
        private ITokenCounter inner = null!;
        private int chatCounts;

        public int ChatCounts => Volatile.Read(ref chatCounts);

        public CountingTokenCounter Wrap(ITokenCounter counter)
        {
            inner = counter;
            return this;
        }

        public TokenCount CountText(string model, ReadOnlySpan<char> text) => inner.CountText(model, text);

        public TokenCount CountText(string model, ReadOnlySpan<byte> utf8) => inner.CountText(model, utf8);

        public TokenCount CountChat(string model, ReadOnlySpan<byte> chatRequestBody) => inner.CountChat(model, chatRequestBody);

        public TokenCount CountChat(ChatRequest request)
        {
            Interlocked.Increment(ref chatCounts);
            return inner.CountChat(request);
        }
    }
}
