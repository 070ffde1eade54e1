using System.Text.Json;

namespace ServerlessGateway.Accounting;

/// <summary>
/// Writes the normalised usage as OpenAI's "usage" object, for answers and chunks the gateway writes
/// itself (the mock, and providers translated to OpenAI's format). prompt_tokens includes cached input
/// and completion_tokens includes reasoning, as in <see cref="TokenUsage"/>.
/// </summary>
public static class OpenAIUsageWriter
{
    /// <param name="writer">Positioned inside the object that gets the "usage" property.</param>
    /// <param name="usage">The counts.</param>
    /// <param name="details">
    /// Which optional details the provider really reports: cache writes are not an OpenAI field but the
    /// gateway's usage reader reads them back; reasoning is left out rather than made up when unknown.
    /// </param>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage, UsageDetails details)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.InputTokens);
        writer.WriteNumber("completion_tokens", usage.OutputTokens);
        writer.WriteNumber("total_tokens", usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CachedInputTokens);
        if (details.HasFlag(UsageDetails.CacheWrites))
        {
            writer.WriteNumber("cache_write_tokens", usage.CacheWriteTokens);
        }

        writer.WriteEndObject();
        if (details.HasFlag(UsageDetails.Reasoning))
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

[Flags]
public enum UsageDetails
{
    None = 0,
    CacheWrites = 1,
    Reasoning = 2,
}
