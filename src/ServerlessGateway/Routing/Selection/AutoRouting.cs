using System.Collections.Frozen;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// The auto model: a chat request sent to <see cref="ModelName"/> is served by the model of the tier the first
/// matching rule names, or of the default tier.
/// </summary>
public sealed class AutoRouting(string modelName, FrozenDictionary<string, string> tiers, string defaultTier, IReadOnlyList<TierRule> rules)
{
    public string ModelName { get; } = modelName;

    /// <summary>Tier → the logical model that serves it.</summary>
    public FrozenDictionary<string, string> Tiers { get; } = tiers;

    public string DefaultTier { get; } = defaultTier;

    public IReadOnlyList<TierRule> Rules { get; } = rules;

    public TierChoice Classify(ComplexitySignals signals)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(signals))
            {
                return new TierChoice(rule.Tier, Tiers[rule.Tier], rule.Explain(signals));
            }
        }

        return new TierChoice(DefaultTier, Tiers[DefaultTier], "default");
    }

    /// <summary>Listed and callable while some tier's model has a usable deployment.</summary>
    public bool IsServable(IReadOnlyDictionary<string, LogicalModel> models) =>
        Tiers.Values.Any(name => models.TryGetValue(name, out var model) && model.IsServable);
}

/// <summary>The tier chosen, the model serving it, and why (e.g. "prompt 5,210 tokens >= 4,000").</summary>
public readonly record struct TierChoice(string Tier, string Model, string Why);
