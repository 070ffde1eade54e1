using System.Collections.Frozen;
using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Auth;

/// <summary>Who is calling: resolved once per request from the presented key.</summary>
public sealed class CallerIdentity(string keyName, bool isAdmin, FrozenSet<string>? allowedModels)
{
    public string KeyName { get; } = keyName;

    public bool IsAdmin { get; } = isAdmin;

    /// <summary>Null means every model.</summary>
    public FrozenSet<string>? AllowedModels { get; } = allowedModels;

    /// <summary>Stable id of the key: "cfg:{name}" for keys from the configuration file, the store's id otherwise.</summary>
    public string KeyId { get; init; } = ConfiguredKeyId(keyName);

    public string? UserId { get; init; }

    public string? TeamId { get; init; }

    public string? OrganizationId { get; init; }

    /// <summary>
    /// Every level of the hierarchy this request belongs to (key first, organisation last) with the limits
    /// and budget each carries; a request is checked against all of them.
    /// </summary>
    public IReadOnlyList<GovernedScope> Scopes { get; init; } = [];

    /// <summary>The key's default tags, recorded with its usage (request tags are added to these).</summary>
    public FrozenDictionary<string, string> Tags { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>May send an x-gateway-routing header (strategy, targets, fallbacks, retries for one request). Admins may.</summary>
    public bool MayOverrideRouting => IsAdmin || AllowRoutingOverride;

    public bool AllowRoutingOverride { get; init; }

    public static string ConfiguredKeyId(string keyName) => "cfg:" + keyName;

    public bool MayUse(string model) => AllowedModels is null || AllowedModels.Contains(model);
}

/// <summary>One level a request belongs to, with its limits and budget (either may be absent).</summary>
public sealed record GovernedScope(ScopeRef Scope, LimitSpec Limits, BudgetSpec? Budget);
