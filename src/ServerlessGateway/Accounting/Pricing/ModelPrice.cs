using System.Globalization;

namespace ServerlessGateway.Accounting.Pricing;

/// <summary>
/// What one model costs, in USD per 1M tokens. Null cache and reasoning prices fall back to the
/// input and output prices (a provider without a discount charges the plain rate).
/// </summary>
public sealed record ModelPrice(
    decimal Input,
    decimal Output,
    decimal? CachedInput = null,
    decimal? CacheWrite = null,
    decimal? Reasoning = null,
    LongContextTier? LongContext = null,
    int? MaxOutputTokens = null,
    int? ContextWindow = null)
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>Self-hosted and mock models: every token costs nothing.</summary>
    public static ModelPrice Free { get; } = new(0m, 0m);

    public bool IsFree => Input == 0 && Output == 0 && (CachedInput ?? 0) == 0 && (CacheWrite ?? 0) == 0 && (Reasoning ?? 0) == 0
        && (LongContext is null || LongContext.IsFree);

    /// <summary>
    /// The exact cost of a call. <see cref="TokenUsage"/> counts cached and cache-written tokens inside
    /// InputTokens and reasoning inside OutputTokens, so each token is priced once:
    /// (input − cached − cacheWrite)·in + cached·cachedIn + cacheWrite·write + (output − reasoning)·out + reasoning·reasoningOut,
    /// all per 1M. A prompt above the long-context threshold prices the whole call at the tier's rates
    /// (Gemini 1.5/2.5 Pro, Claude Sonnet 4/4.5 with 1M context).
    /// </summary>
    public decimal Cost(TokenUsage usage)
    {
        var rates = RatesFor(usage.InputTokens);
        var cached = Math.Max(0, usage.CachedInputTokens);
        var written = Math.Max(0, usage.CacheWriteTokens);
        var plainInput = Math.Max(0, usage.InputTokens - cached - written);
        var reasoning = Math.Max(0, usage.ReasoningTokens);
        var plainOutput = Math.Max(0, usage.OutputTokens - reasoning);
        return ((plainInput * rates.Input) + (cached * rates.CachedInput) + (written * rates.CacheWrite)
            + (plainOutput * rates.Output) + (reasoning * rates.Reasoning)) / PerMillion;
    }

    /// <summary>
    /// The most a call can cost before it is made (what a budget reserves): no cache discount assumed, every
    /// prompt token at the dearest input rate (an Anthropic cache write costs 1.25× input, and a prompt may
    /// be all cache writes) and every output token at the dearer of output and reasoning.
    /// </summary>
    public decimal WorstCase(long promptTokens, long maxOutputTokens)
    {
        var rates = RatesFor(promptTokens);
        var input = Math.Max(rates.Input, Math.Max(rates.CacheWrite, rates.CachedInput));
        return ((Math.Max(0, promptTokens) * input) + (Math.Max(0, maxOutputTokens) * Math.Max(rates.Output, rates.Reasoning))) / PerMillion;
    }

    /// <summary>
    /// The x-gateway-cost-usd value: invariant, never an exponent, at most 10 decimals, no trailing zeros ("0.000125").
    /// </summary>
    public static string CostHeaderValue(decimal usd)
    {
        var rounded = decimal.Round(usd, 10, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0" : rounded.ToString("0.##########", CultureInfo.InvariantCulture); // no "-0"
    }

    private Rates RatesFor(long promptTokens)
    {
        if (LongContext is { } tier && promptTokens > tier.AbovePromptTokens)
        {
            return new Rates(tier.Input, tier.CachedInput ?? tier.Input, tier.CacheWrite ?? tier.Input, tier.Output, tier.Output);
        }

        return new Rates(Input, CachedInput ?? Input, CacheWrite ?? Input, Output, Reasoning ?? Output);
    }

    private readonly record struct Rates(decimal Input, decimal CachedInput, decimal CacheWrite, decimal Output, decimal Reasoning);
}

/// <summary>
/// Prices that apply to the whole call once its prompt (cached and cache-written tokens included) has
/// more than <see cref="AbovePromptTokens"/> tokens; reasoning is billed at the tier's output price.
/// </summary>
public sealed record LongContextTier(long AbovePromptTokens, decimal Input, decimal Output, decimal? CachedInput = null, decimal? CacheWrite = null)
{
    public bool IsFree => Input == 0 && Output == 0 && (CachedInput ?? 0) == 0 && (CacheWrite ?? 0) == 0;
}
