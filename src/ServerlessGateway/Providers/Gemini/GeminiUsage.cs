using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Gemini's usageMetadata in the gateway's one usage model, and as OpenAI's usage object.
/// <para>
/// Gemini's arithmetic: promptTokenCount is the whole prompt, its cached part included
/// (cachedContentTokenCount ≤ promptTokenCount); toolUsePromptTokenCount is input added by built-in tools;
/// candidatesTokenCount is the answer WITHOUT the thinking; thoughtsTokenCount is the thinking. So
/// totalTokenCount = prompt + toolUsePrompt + candidates + thoughts (every recorded answer adds up so:
/// 9 + 28 + 244 = 281; 12013 + 15 + 73 = 12101).
/// </para>
/// <para>
/// OpenAI's (and <see cref="TokenUsage"/>'s): input includes cached input, output includes reasoning. Hence
/// input = prompt + toolUsePrompt, cached = cachedContent, output = candidates + thoughts, reasoning =
/// thoughts, and total = input + output equals Gemini's totalTokenCount.
/// </para>
/// </summary>
internal static class GeminiUsage
{
    /// <summary>The usage, or null when the metadata carries no counts (stream chunks may carry only trafficType).</summary>
    public static TokenUsage? From(UsageMetadata? usage)
    {
        if (usage is null || usage is { PromptTokenCount: null, CandidatesTokenCount: null, ThoughtsTokenCount: null, TotalTokenCount: null })
        {
            return null;
        }

        var thoughts = usage.ThoughtsTokenCount ?? 0;
        return new TokenUsage(
            InputTokens: (usage.PromptTokenCount ?? 0) + (usage.ToolUsePromptTokenCount ?? 0),
            OutputTokens: (usage.CandidatesTokenCount ?? 0) + thoughts,
            CachedInputTokens: usage.CachedContentTokenCount ?? 0,
            ReasoningTokens: thoughts);
    }

    /// <summary>Writes "usage": {...} in OpenAI's shape (Gemini reports thoughts, so reasoning is included).</summary>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage) => OpenAIUsageWriter.Write(writer, usage, UsageDetails.Reasoning);
}
