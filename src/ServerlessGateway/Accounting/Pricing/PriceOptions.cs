namespace ServerlessGateway.Accounting.Pricing;

/// <summary>
/// One model's prices as written (Gateway:Prices:{model}, and the embedded prices.defaults.json), USD per
/// 1M tokens. A configured entry is merged field by field over the default of the same name.
/// </summary>
public sealed class PriceOptions
{
    public decimal? Input { get; set; }

    /// <summary>Cache hits (OpenAI cached input, Anthropic cache read, Gemini context cache). Null: the input price.</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>Tokens written to the cache (Anthropic's 5-minute cache write). Null: the input price.</summary>
    public decimal? CacheWrite { get; set; }

    public decimal? Output { get; set; }

    /// <summary>Reasoning (thinking) tokens, when a provider prices them apart. Null: the output price.</summary>
    public decimal? Reasoning { get; set; }

    public LongContextOptions? LongContext { get; set; }

    public int? MaxOutputTokens { get; set; }

    public int? ContextWindow { get; set; }
}

/// <summary>A long-context tier: above this many prompt tokens the whole call is priced at these rates.</summary>
public sealed class LongContextOptions
{
    public long? AbovePromptTokens { get; set; }

    public decimal? Input { get; set; }

    public decimal? CachedInput { get; set; }

    public decimal? CacheWrite { get; set; }

    public decimal? Output { get; set; }
}
