using ServerlessGateway.Accounting.Pricing;

namespace ServerlessGateway.Tests.Accounting.Pricing;

public sealed class PriceTableTests
{
    public static readonly TheoryData<string> SupportedModels =
    [
        "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
        "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
        "claude-3-5-haiku", "claude-3-7-sonnet", "claude-sonnet-4", "claude-opus-4", "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5",
        "gemini-1.5-flash", "gemini-1.5-pro", "gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro",
    ];

    [Fact]
    public void Defaults_are_valid()
    {
        var errors = new List<string>();

        PriceTable.Build(null, errors);

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(SupportedModels))]
    public void Every_supported_model_has_a_default_price(string model)
    {
        var price = PriceTable.Build(null, []).Find(model);

        Assert.NotNull(price);
        Assert.True(price.Input > 0, model);
    }

    [Fact]
    public void Anthropic_defaults_carry_cache_write_and_read_prices()
    {
        var table = PriceTable.Build(null, []);

        foreach (var model in PriceTable.Defaults.Keys.Where(m => m.StartsWith("claude-", StringComparison.Ordinal)))
        {
            var price = table.Find(model)!;
            Assert.Equal(price.Input * 1.25m, price.CacheWrite); // the 5-minute write
            Assert.Equal(price.Input / 10m, price.CachedInput);
        }
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("o3-mini-2025-01-31", "o3-mini")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("claude-3-5-haiku-latest", "claude-3-5-haiku")]
    [InlineData("claude-sonnet-4@20250514", "claude-sonnet-4")]
    [InlineData("gemini-2.0-flash-001", "gemini-2.0-flash")]
    public void Dated_snapshots_are_priced_as_their_model(string snapshot, string model)
    {
        var table = PriceTable.Build(null, []);

        Assert.Same(table.Find(model), table.Find(snapshot));
    }

    [Fact]
    public void The_longest_known_prefix_wins()
    {
        var errors = new List<string>();
        var table = PriceTable.Build(new Dictionary<string, PriceOptions> { ["claude-opus-4-1"] = new() { Input = 16m } }, errors);

        Assert.Empty(errors);
        Assert.Equal(16m, table.Find("claude-opus-4-1-20250805")!.Input);
        Assert.Equal(15m, table.Find("claude-opus-4-20250514")!.Input);
    }

    [Theory]
    [InlineData("gpt-4")]
    [InlineData("my-gpt-4o")]
    [InlineData("gpt-4o-mini-tts")]
    [InlineData("gpt-4o-realtime-preview")]
    [InlineData("gemini-2.5-flash-preview-05-20")]
    [InlineData("gpt-5-chat-latest")]
    [InlineData("GPT-4O")]
    [InlineData("gpt-4o-")]
    [InlineData("")]
    public void Unknown_models_are_not_guessed_from_a_substring(string model)
    {
        Assert.Null(PriceTable.Build(null, []).Find(model));
    }

    [Fact]
    public void Configured_prices_merge_over_defaults_field_by_field_and_add_models()
    {
        var errors = new List<string>();
        var table = PriceTable.Build(
            new Dictionary<string, PriceOptions>
            {
                ["gpt-4o"] = new() { Output = 12m },
                ["gemini-2.5-pro"] = new() { LongContext = new() { Output = 20m } },
                ["llama-3.3-70b"] = new() { Input = 0.59m, Output = 0.79m },
            },
            errors);

        Assert.Empty(errors);
        Assert.Equal(new ModelPrice(2.50m, 12m, CachedInput: 1.25m, MaxOutputTokens: 16384, ContextWindow: 128000), table.Find("gpt-4o"));
        Assert.Equal(new LongContextTier(200_000, 2.50m, 20m, CachedInput: 0.25m), table.Find("gemini-2.5-pro")!.LongContext);
        Assert.Equal(new ModelPrice(0.59m, 0.79m), table.Find("llama-3.3-70b"));
    }

    [Fact]
    public void Every_invalid_price_is_listed()
    {
        var errors = new List<string>();

        PriceTable.Build(
            new Dictionary<string, PriceOptions>
            {
                ["negative"] = new() { Input = -1m, Output = 1m },
                ["absurd"] = new() { Input = 1m, Output = 2500m },
                ["dear-cache"] = new() { Input = 1m, CachedInput = 2m, Output = 1m },
                ["no-input"] = new() { Output = 1m },
                ["bad-tier"] = new() { Input = 1m, Output = 1m, LongContext = new() { AbovePromptTokens = 0, Input = 2m, Output = -2m } },
                ["gpt-4o"] = new() { MaxOutputTokens = 0 },
            },
            errors);

        Assert.Contains("Gateway:Prices:negative:Input must not be negative; it is -1.", errors);
        Assert.Contains(errors, e => e.StartsWith("Gateway:Prices:absurd:Output is 2500 USD per 1M tokens, above 1000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Prices:dear-cache:CachedInput (2) must not be above Input (1)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Prices:no-input:Input must be set", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Prices:bad-tier:LongContext:AbovePromptTokens must be a positive number", StringComparison.Ordinal));
        Assert.Contains("Gateway:Prices:bad-tier:LongContext:Output must not be negative; it is -2.", errors);
        Assert.Contains("Gateway:Prices:gpt-4o:MaxOutputTokens must be positive when set; it is 0.", errors);
        Assert.Equal(7, errors.Count);
    }
}
