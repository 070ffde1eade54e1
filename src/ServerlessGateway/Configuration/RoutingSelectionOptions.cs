using Microsoft.Extensions.Configuration;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Gateway:Routing — how a request reaches a deployment. A plain class: other parts of routing add their own
/// sections beside these.
/// </summary>
public sealed class RoutingOptions
{
    /// <summary>Conditional routes, in order: the first whose condition holds sends the request to its model.</summary>
    public List<RouteOptions> Routes { get; set; } = [];

    /// <summary>The "auto" model: a chat request sent to it is served by the tier its complexity calls for.</summary>
    public AutoRoutingOptions? Auto { get; set; }
}

public sealed class RouteOptions
{
    /// <summary>Named in the x-gateway-selection header and the usage record's selection.</summary>
    public string? Name { get; set; }

    /// <summary>The requested models this route applies to; none named means every model.</summary>
    public List<string> ForModels { get; set; } = [];

    public RouteConditionOptions? When { get; set; }

    /// <summary>The logical model (or the auto model) served when the condition holds.</summary>
    public string? Model { get; set; }
}

/// <summary>
/// One condition: a field compared with Equals, In or Matches, or All / Any / Not over other conditions.
/// Exactly one of the six is set.
/// </summary>
public sealed class RouteConditionOptions
{
    /// <summary>model, user, key, team, organization, header:NAME, tag:NAME or metadata:NAME.</summary>
    public string? Field { get; set; }

    /// <summary>Bound from "Equals" (a property of that name would hide object.Equals).</summary>
    [ConfigurationKeyName("Equals")]
    public string? EqualTo { get; set; }

    public List<string>? In { get; set; }

    /// <summary>A .NET regular expression, searched in the field's value (anchor it with ^…$ to match all of it).</summary>
    public string? Matches { get; set; }

    public List<RouteConditionOptions>? All { get; set; }

    public List<RouteConditionOptions>? Any { get; set; }

    public RouteConditionOptions? Not { get; set; }
}

public sealed class AutoRoutingOptions
{
    /// <summary>The model name callers send to be routed by complexity.</summary>
    public string ModelName { get; set; } = "auto";

    /// <summary>Tier name → the logical model that serves it (e.g. simple, standard, complex, reasoning).</summary>
    public Dictionary<string, string> Tiers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The tier served when no rule matches.</summary>
    public string DefaultTier { get; set; } = "standard";

    /// <summary>Evaluated in order, the first match picks the tier; none written means the built-in rules.</summary>
    public List<AutoRuleOptions> Rules { get; set; } = [];
}

public sealed class AutoRuleOptions
{
    public string? Tier { get; set; }

    public AutoConditionOptions? When { get; set; }
}

/// <summary>Every condition set must hold for the rule to match.</summary>
public sealed class AutoConditionOptions
{
    /// <summary>Prompt tokens (the gateway's tokenizer, as admission counts them) at least this many.</summary>
    public int? MinPromptTokens { get; set; }

    public int? MaxPromptTokens { get; set; }

    /// <summary>Code in the messages: ``` fences or strong code patterns (true), or none (false).</summary>
    public bool? HasCode { get; set; }

    public bool? HasTools { get; set; }

    /// <summary>image_url content parts anywhere in the messages.</summary>
    public bool? HasImages { get; set; }

    /// <summary>The conversation has at least this many messages (every role counted).</summary>
    public int? MinMessages { get; set; }

    /// <summary>Any of these words or phrases in the last user message (case-insensitive, whole words).</summary>
    public List<string>? KeywordsAny { get; set; }
}

/// <summary>Gateway:Models:NAME:Canary — a share of the model's traffic served by a candidate model.</summary>
public sealed class CanaryOptions
{
    public string? Model { get; set; }

    /// <summary>0 to 100, in steps of 0.01.</summary>
    public double Percent { get; set; }

    /// <summary>none (a fresh draw per request), user or conversation (the same one always gets the same variant).</summary>
    public string StickyBy { get; set; } = CanaryStickiness.None;
}

public static class CanaryStickiness
{
    public const string None = "none";
    public const string User = "user";
    public const string Conversation = "conversation";
}
