using System.Globalization;

namespace ServerlessGateway.Routing.Selection;

/// <summary>One auto-routing rule: when every condition it sets holds, the request is served by its tier.</summary>
public sealed class TierRule
{
    public required string Tier { get; init; }

    public int? MinPromptTokens { get; init; }

    public int? MaxPromptTokens { get; init; }

    public bool? HasCode { get; init; }

    public bool? HasTools { get; init; }

    public bool? HasImages { get; init; }

    public int? MinMessages { get; init; }

    public IReadOnlyList<string>? KeywordsAny { get; init; }

    /// <summary>Cheapest signals first, so a failing one spares the costlier (code scan, keywords, tokenizing).</summary>
    public bool Matches(ComplexitySignals signals) =>
        (HasTools is not { } tools || tools == signals.ToolCount > 0)
        && (HasImages is not { } images || images == signals.HasImages)
        && (MinMessages is not { } messages || signals.MessageCount >= messages)
        && (HasCode is not { } code || code == signals.HasCode)
        && (KeywordsAny is not { } keywords || signals.FindKeyword(keywords) is not null)
        && (MinPromptTokens is not { } min || signals.PromptTokens >= min)
        && (MaxPromptTokens is not { } max || signals.PromptTokens <= max);

    /// <summary>Why a matching rule matched, e.g. "code, 7 messages >= 6" or "prompt 5,210 tokens >= 4,000".</summary>
    public string Explain(ComplexitySignals signals)
    {
        var parts = new List<string>(2);
        if (KeywordsAny is { } keywords)
        {
            parts.Add($"keyword '{signals.FindKeyword(keywords)}'");
        }

        if (MinPromptTokens is { } min)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"prompt {signals.PromptTokens:N0} tokens >= {min:N0}"));
        }

        if (MaxPromptTokens is { } max)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"prompt {signals.PromptTokens:N0} tokens <= {max:N0}"));
        }

        AddFlag(parts, HasCode, "code");
        AddFlag(parts, HasTools, "tools");
        AddFlag(parts, HasImages, "images");
        if (MinMessages is { } messages)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{signals.MessageCount} messages >= {messages}"));
        }

        return string.Join(", ", parts);
    }

    private static void AddFlag(List<string> parts, bool? flag, string name)
    {
        if (flag is { } wanted)
        {
            parts.Add(wanted ? name : "no " + name);
        }
    }
}
