namespace ServerlessGateway.Accounting.Pricing;

/// <summary>Checks one model's prices (every problem listed) and compiles them into a <see cref="ModelPrice"/>.</summary>
internal static class PriceValidation
{
    /// <summary>No real model costs this much per 1M tokens; a larger number is a unit mistake (per 1K, or per token in cents).</summary>
    public const decimal MaxPerMillion = 1000m;

    public static ModelPrice? Validate(string where, PriceOptions options, List<string> errors)
    {
        var before = errors.Count;
        Require(where, "Input", options.Input, errors);
        Require(where, "Output", options.Output, errors);
        CheckPrice(where, "CachedInput", options.CachedInput, errors);
        CheckPrice(where, "CacheWrite", options.CacheWrite, errors);
        CheckPrice(where, "Reasoning", options.Reasoning, errors);
        CheckCached(where, options.CachedInput, options.Input, errors);
        CheckCount(where, "MaxOutputTokens", options.MaxOutputTokens, errors);
        CheckCount(where, "ContextWindow", options.ContextWindow, errors);
        var tier = options.LongContext is { } longContext ? ValidateTier($"{where}:LongContext", longContext, errors) : null;
        if (errors.Count > before)
        {
            return null;
        }

        return new ModelPrice(
            options.Input!.Value,
            options.Output!.Value,
            options.CachedInput,
            options.CacheWrite,
            options.Reasoning,
            tier,
            options.MaxOutputTokens,
            options.ContextWindow);
    }

    private static LongContextTier? ValidateTier(string where, LongContextOptions tier, List<string> errors)
    {
        var before = errors.Count;
        if (tier.AbovePromptTokens is not > 0)
        {
            errors.Add($"{where}:AbovePromptTokens must be a positive number of prompt tokens; it is {Show(tier.AbovePromptTokens)}.");
        }

        Require(where, "Input", tier.Input, errors);
        Require(where, "Output", tier.Output, errors);
        CheckPrice(where, "CachedInput", tier.CachedInput, errors);
        CheckPrice(where, "CacheWrite", tier.CacheWrite, errors);
        CheckCached(where, tier.CachedInput, tier.Input, errors);
        return errors.Count > before ? null : new LongContextTier(tier.AbovePromptTokens!.Value, tier.Input!.Value, tier.Output!.Value, tier.CachedInput, tier.CacheWrite);
    }

    private static void Require(string where, string field, decimal? value, List<string> errors)
    {
        if (value is null)
        {
            errors.Add($"{where}:{field} must be set (USD per 1M tokens; 0 for free).");
            return;
        }

        CheckPrice(where, field, value, errors);
    }

    private static void CheckPrice(string where, string field, decimal? value, List<string> errors)
    {
        if (value is < 0)
        {
            errors.Add($"{where}:{field} must not be negative; it is {value}.");
        }
        else if (value > MaxPerMillion)
        {
            errors.Add($"{where}:{field} is {value} USD per 1M tokens, above {MaxPerMillion}: prices are per 1M tokens, not per 1K or per token.");
        }
    }

    private static void CheckCached(string where, decimal? cached, decimal? input, List<string> errors)
    {
        if (cached is { } hit && input is { } full && hit > full)
        {
            errors.Add($"{where}:CachedInput ({hit}) must not be above Input ({full}): a cache hit is never dearer than a plain input token.");
        }
    }

    private static void CheckCount(string where, string field, int? value, List<string> errors)
    {
        if (value is < 1)
        {
            errors.Add($"{where}:{field} must be positive when set; it is {value}.");
        }
    }

    private static string Show(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not set";
}
