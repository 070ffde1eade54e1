namespace ServerlessGateway.Accounting;

/// <summary>
/// One normalised usage model for every provider. Cached input is a part of <see cref="InputTokens"/>
/// and reasoning a part of <see cref="OutputTokens"/> (OpenAI's arithmetic), so pricing never counts them twice.
/// </summary>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CachedInputTokens = 0, long CacheWriteTokens = 0, long ReasoningTokens = 0)
{
    public long TotalTokens => InputTokens + OutputTokens;
}
