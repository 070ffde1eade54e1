namespace ServerlessGateway.Accounting.Pricing;

/// <summary>A configured price overrides a default field by field, so "Gateway:Prices:gpt-4o:Output" alone is enough.</summary>
internal static class PriceMerge
{
    public static PriceOptions Over(PriceOptions defaults, PriceOptions configured) => new()
    {
        Input = configured.Input ?? defaults.Input,
        CachedInput = configured.CachedInput ?? defaults.CachedInput,
        CacheWrite = configured.CacheWrite ?? defaults.CacheWrite,
        Output = configured.Output ?? defaults.Output,
        Reasoning = configured.Reasoning ?? defaults.Reasoning,
        LongContext = Over(defaults.LongContext, configured.LongContext),
        MaxOutputTokens = configured.MaxOutputTokens ?? defaults.MaxOutputTokens,
        ContextWindow = configured.ContextWindow ?? defaults.ContextWindow,
    };

    private static LongContextOptions? Over(LongContextOptions? defaults, LongContextOptions? configured) =>
        defaults is null || configured is null ? configured ?? defaults : new LongContextOptions
        {
            AbovePromptTokens = configured.AbovePromptTokens ?? defaults.AbovePromptTokens,
            Input = configured.Input ?? defaults.Input,
            CachedInput = configured.CachedInput ?? defaults.CachedInput,
            CacheWrite = configured.CacheWrite ?? defaults.CacheWrite,
            Output = configured.Output ?? defaults.Output,
        };
}
