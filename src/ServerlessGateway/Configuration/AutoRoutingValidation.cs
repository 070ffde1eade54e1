using System.Collections.Frozen;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Configuration;

/// <summary>Validates and compiles Gateway:Routing:Auto: its name, tiers, default tier and rules (or the built-in rules).</summary>
public static class AutoRoutingValidation
{
    private const string Where = "Gateway:Routing:Auto";

    /// <summary>The auto model, or null when Auto is absent or names no tiers (the auto model then does not exist).</summary>
    public static AutoRouting? Validate(AutoRoutingOptions? auto, Dictionary<string, ModelOptions> models, List<string> errors)
    {
        if (auto is null)
        {
            return null;
        }

        if (auto.Tiers.Count == 0)
        {
            if (auto.Rules.Count > 0)
            {
                errors.Add($"{Where}:Tiers must map tier names to models for its Rules to choose from.");
            }

            return null;
        }

        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(auto.ModelName) || models.ContainsKey(auto.ModelName))
        {
            errors.Add($"{Where}:ModelName must be set and differ from every model under Gateway:Models; it is '{auto.ModelName}'.");
        }

        foreach (var (tier, model) in auto.Tiers.Where(t => t.Value is null || !models.ContainsKey(t.Value)))
        {
            errors.Add($"{Where}:Tiers:{tier} names '{model}', which is not under Gateway:Models.");
        }

        var tierList = string.Join(", ", auto.Tiers.Keys.Order(StringComparer.Ordinal));
        if (!auto.Tiers.ContainsKey(auto.DefaultTier))
        {
            errors.Add($"{Where}:DefaultTier must be one of the Tiers ({tierList}); it is '{auto.DefaultTier}'.");
        }

        var rules = new List<TierRule>();
        if (auto.Rules.Count == 0)
        {
            // The built-in rules are valid by construction; those naming a tier not configured are left out.
            var applicable = DefaultTierRules.Rules.Where(r => auto.Tiers.ContainsKey(r.Tier!));
            rules.AddRange(applicable.Select(r => Rule(r, "(built-in rule)", auto.Tiers, tierList, errors)!));
        }
        else
        {
            for (var i = 0; i < auto.Rules.Count; i++)
            {
                if (Rule(auto.Rules[i], $"{Where}:Rules:{i}", auto.Tiers, tierList, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        return errors.Count == before
            ? new AutoRouting(auto.ModelName, auto.Tiers.ToFrozenDictionary(StringComparer.Ordinal), auto.DefaultTier, rules)
            : null;
    }

    private static TierRule? Rule(AutoRuleOptions rule, string where, Dictionary<string, string> tiers, string tierList, List<string> errors)
    {
        var before = errors.Count;
        if (rule.Tier is null || !tiers.ContainsKey(rule.Tier))
        {
            errors.Add($"{where}:Tier must be one of the Tiers ({tierList}); it is '{rule.Tier}'.");
        }

        var when = rule.When;
        if (when is null || when is { MinPromptTokens: null, MaxPromptTokens: null, HasCode: null, HasTools: null, HasImages: null, MinMessages: null, KeywordsAny: null })
        {
            errors.Add($"{where}:When must set at least one of MinPromptTokens, MaxPromptTokens, HasCode, HasTools, HasImages, MinMessages, KeywordsAny (DefaultTier covers the rest).");
            return null;
        }

        if (when.MinPromptTokens < 0 || when.MaxPromptTokens < 0 || when.MinPromptTokens > when.MaxPromptTokens)
        {
            errors.Add($"{where}:When:MinPromptTokens and MaxPromptTokens must be 0 or more, the minimum not above the maximum.");
        }

        if (when.MinMessages < 1)
        {
            errors.Add($"{where}:When:MinMessages must be at least 1; it is {when.MinMessages}.");
        }

        if (when.KeywordsAny is { } keywords && (keywords.Count == 0 || keywords.Any(string.IsNullOrWhiteSpace)))
        {
            errors.Add($"{where}:When:KeywordsAny must list words or phrases, none of them blank.");
        }

        return errors.Count != before ? null : new TierRule
        {
            Tier = rule.Tier!,
            MinPromptTokens = when.MinPromptTokens,
            MaxPromptTokens = when.MaxPromptTokens,
            HasCode = when.HasCode,
            HasTools = when.HasTools,
            HasImages = when.HasImages,
            MinMessages = when.MinMessages,
            KeywordsAny = when.KeywordsAny is { } words ? [.. words] : null,
        };
    }
}
