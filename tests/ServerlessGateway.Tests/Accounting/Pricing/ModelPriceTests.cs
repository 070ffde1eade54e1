using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Pricing;

namespace ServerlessGateway.Tests.Accounting.Pricing;

public sealed class ModelPriceTests
{
    [Fact]
    public void Missing_cache_and_reasoning_prices_fall_back_to_input_and_output()
    {
        var price = new ModelPrice(Input: 2m, Output: 8m);

        var cost = price.Cost(new TokenUsage(1000, 500, CachedInputTokens: 400, CacheWriteTokens: 100, ReasoningTokens: 200));

        Assert.Equal(((1000 * 2m) + (500 * 8m)) / 1_000_000m, cost);
    }

    [Fact]
    public void Reasoning_priced_apart_is_taken_out_of_output()
    {
        var price = new ModelPrice(Input: 1m, Output: 2m, Reasoning: 5m);

        Assert.Equal(((100 * 1m) + (300 * 2m) + (200 * 5m)) / 1_000_000m, price.Cost(new TokenUsage(100, 500, ReasoningTokens: 200)));
    }

    [Fact]
    public void Inconsistent_counts_never_make_a_negative_part()
    {
        var price = new ModelPrice(Input: 1m, Output: 2m, CachedInput: 0.5m);

        // A provider reporting more cached than prompt tokens: the cached ones are charged, nothing negative.
        Assert.Equal(200 * 0.5m / 1_000_000m, price.Cost(new TokenUsage(100, 0, CachedInputTokens: 200)));
    }

    [Fact]
    public void Worst_case_assumes_no_cache_hit_and_the_dearer_output_price()
    {
        var price = new ModelPrice(Input: 1m, Output: 2m, CachedInput: 0.1m, Reasoning: 5m);

        Assert.Equal(((1000 * 1m) + (500 * 5m)) / 1_000_000m, price.WorstCase(1000, 500));
    }

    [Fact]
    public void Worst_case_covers_a_prompt_that_is_all_cache_writes()
    {
        var price = PriceTable.Build(null, []).Find("claude-haiku-4-5")!;
        var allWritten = new TokenUsage(10_000, 100, CacheWriteTokens: 10_000);

        Assert.Equal(((10_000 * 1.25m) + (100 * 5m)) / 1_000_000m, price.WorstCase(10_000, 100));
        Assert.Equal(price.WorstCase(10_000, 100), price.Cost(allWritten));
    }

    [Fact]
    public void Worst_case_picks_the_tier_by_prompt_size()
    {
        var price = PriceTable.Build(null, []).Find("gemini-2.5-pro")!;

        Assert.Equal(((200_000 * 1.25m) + (100 * 10m)) / 1_000_000m, price.WorstCase(200_000, 100));
        Assert.Equal(((250_000 * 2.50m) + (100 * 15m)) / 1_000_000m, price.WorstCase(250_000, 100));
    }

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(5000, 3000, 1000, 800)]
    [InlineData(300_000, 150_000, 20_000, 4000)]
    [InlineData(250_000, 0, 250_000, 10)]
    public void Worst_case_is_never_below_the_real_cost(long prompt, long cached, long written, long output)
    {
        foreach (var name in new[] { "claude-sonnet-4", "gpt-5", "gemini-2.5-pro", "o3" })
        {
            var price = PriceTable.Build(null, []).Find(name)!;
            var usage = new TokenUsage(prompt, output, cached, written, ReasoningTokens: output / 2);

            Assert.True(price.WorstCase(prompt, output) >= price.Cost(usage), name);
        }
    }

    [Fact]
    public void Free_means_every_price_is_zero()
    {
        Assert.True(ModelPrice.Free.IsFree);
        Assert.Equal(0m, ModelPrice.Free.Cost(new TokenUsage(1_000_000, 1_000_000)));
        Assert.False(new ModelPrice(0m, 0m, LongContext: new LongContextTier(10, 1m, 0m)).IsFree);
        Assert.False(new ModelPrice(0m, 0m, CacheWrite: 1m).IsFree);
    }

    [Theory]
    [InlineData("0.000125", "0.000125")]
    [InlineData("0.04", "0.0400")]
    [InlineData("0", "0")]
    [InlineData("0", "0.00000000001")]
    [InlineData("0", "-0.00000000001")]
    [InlineData("0.0000000002", "0.00000000015")]
    [InlineData("0.123456789", "0.12345678901234")]
    [InlineData("1234.5", "1234.50")]
    public void Cost_header_is_plain_invariant_decimal(string expected, string usd)
    {
        Assert.Equal(expected, ModelPrice.CostHeaderValue(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Cost_header_of_a_tiny_real_cost_has_no_exponent()
    {
        var cost = new ModelPrice(Input: 0.05m, Output: 0.40m).Cost(new TokenUsage(1, 0)); // 5e-8 USD

        Assert.Equal("0.00000005", ModelPrice.CostHeaderValue(cost));
    }
}
