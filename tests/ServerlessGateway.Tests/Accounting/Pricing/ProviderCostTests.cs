using System.Buffers;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Providers.Gemini;

namespace ServerlessGateway.Tests.Accounting.Pricing;

/// <summary>
/// Each provider's own usage object, read by the gateway's own reader, priced at the defaults; the
/// expected totals follow the provider's documented arithmetic, written out term by term.
/// </summary>
public sealed class ProviderCostTests
{
    private static readonly PriceTable Prices = PriceTable.Build(null, []);

    [Fact]
    public void OpenAI_cached_tokens_are_part_of_prompt_tokens()
    {
        // prompt_tokens 10000 of which 4000 cached; completion_tokens 3000 of which 2000 reasoning (o4-mini).
        var usage = ReadOpenAI("""{"usage":{"prompt_tokens":10000,"completion_tokens":3000,"total_tokens":13000,"prompt_tokens_details":{"cached_tokens":4000},"completion_tokens_details":{"reasoning_tokens":2000}}}""");

        var cost = Prices.Find("o4-mini")!.Cost(usage);

        // 6000 uncached × $1.10 + 4000 cached × $0.275 + 3000 output (reasoning is output) × $4.40, per 1M.
        Assert.Equal(((6000 * 1.10m) + (4000 * 0.275m) + (3000 * 4.40m)) / 1_000_000m, cost);
        Assert.Equal(0.0209m, cost);
    }

    [Fact]
    public void OpenAI_without_cache_or_reasoning_is_plain_input_and_output()
    {
        var usage = ReadOpenAI("""{"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}""");

        Assert.Equal(((1200 * 0.15m) + (300 * 0.60m)) / 1_000_000m, Prices.Find("gpt-4o-mini-2024-07-18")!.Cost(usage));
    }

    [Fact]
    public void Anthropic_input_tokens_exclude_cache_reads_and_writes()
    {
        // Anthropic's three disjoint parts of the prompt: 1000 plain, 50000 read from the cache, 20000 written to it.
        var usage = ReadAnthropic("""{"id":"msg_1","usage":{"input_tokens":1000,"cache_read_input_tokens":50000,"cache_creation_input_tokens":20000,"output_tokens":800}}""");

        var cost = Prices.Find("claude-sonnet-4-20250514")!.Cost(usage);

        Assert.Equal(71000, usage.InputTokens); // the whole prompt, as OpenAI counts it
        Assert.Equal(((1000 * 3m) + (50000 * 0.30m) + (20000 * 3.75m) + (800 * 15m)) / 1_000_000m, cost);
        Assert.Equal(0.105m, cost);
    }

    [Fact]
    public void Anthropic_long_context_counts_cached_tokens_towards_the_200k_threshold()
    {
        // 1000 + 150000 + 50000 = 201000 prompt tokens > 200000: every token at the long-context rates.
        var usage = ReadAnthropic("""{"usage":{"input_tokens":1000,"cache_read_input_tokens":150000,"cache_creation_input_tokens":50000,"output_tokens":800}}""");

        var cost = Prices.Find("claude-sonnet-4-5")!.Cost(usage);

        Assert.Equal(((1000 * 6m) + (150000 * 0.60m) + (50000 * 7.50m) + (800 * 22.50m)) / 1_000_000m, cost);
    }

    [Fact]
    public void Gemini_cached_content_is_part_of_the_prompt_and_thoughts_are_billed_as_output()
    {
        // promptTokenCount 12000 including 8000 cached; 500 answer tokens + 1500 thinking tokens.
        var usage = ReadGemini("""{"candidates":[],"usageMetadata":{"promptTokenCount":12000,"cachedContentTokenCount":8000,"candidatesTokenCount":500,"thoughtsTokenCount":1500,"totalTokenCount":14000}}""");

        var cost = Prices.Find("gemini-2.5-pro")!.Cost(usage);

        Assert.Equal(((4000 * 1.25m) + (8000 * 0.125m) + ((500 + 1500) * 10m)) / 1_000_000m, cost);
        Assert.Equal(0.026m, cost);
    }

    [Fact]
    public void Gemini_long_context_tier_switches_above_the_threshold_not_at_it()
    {
        var price = Prices.Find("gemini-2.5-pro")!;

        var atThreshold = price.Cost(new TokenUsage(200_000, 1000));
        var aboveThreshold = price.Cost(new TokenUsage(200_001, 1000));

        Assert.Equal(((200_000 * 1.25m) + (1000 * 10m)) / 1_000_000m, atThreshold);
        Assert.Equal(((200_001 * 2.50m) + (1000 * 15m)) / 1_000_000m, aboveThreshold);
    }

    [Fact]
    public void Gemini_1_5_tier_starts_above_128k()
    {
        var price = Prices.Find("gemini-1.5-flash-002")!;

        Assert.Equal(((128_000 * 0.075m) + (10 * 0.30m)) / 1_000_000m, price.Cost(new TokenUsage(128_000, 10)));
        Assert.Equal(((120_001 * 0.15m) + (8000 * 0.0375m) + (10 * 0.60m)) / 1_000_000m, price.Cost(new TokenUsage(128_001, 10, CachedInputTokens: 8000)));
    }

    [Fact]
    public void Embeddings_cost_only_their_input()
    {
        Assert.Equal(1000 * 0.02m / 1_000_000m, Prices.Find("text-embedding-3-small")!.Cost(new TokenUsage(1000, 0)));
    }

    private static TokenUsage ReadOpenAI(string json)
    {
        Assert.True(OpenAIUsageReader.TryRead(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out var usage, out _));
        return usage;
    }

    private static TokenUsage ReadAnthropic(string json) =>
        JsonSerializer.Deserialize(json, AnthropicJsonContext.Default.AnthropicMessage)!.Usage!.ToTokenUsage();

    private static TokenUsage ReadGemini(string json) =>
        GeminiUsage.From(JsonSerializer.Deserialize(json, GeminiJsonContext.Default.GenerateContentResponse)!.UsageMetadata)!.Value;
}
