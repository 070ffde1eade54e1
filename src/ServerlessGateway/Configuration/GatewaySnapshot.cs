using System.Collections.Frozen;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Auth;
using ServerlessGateway.Routing;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing.Probes;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Configuration;

/// <summary>
/// The validated, compiled configuration every request reads. Immutable: a reload builds a new one
/// and swaps it in atomically, so a request sees one consistent version from start to end.
/// </summary>
public sealed class GatewaySnapshot
{
    public required long MaxRequestBodyBytes { get; init; }

    public required TimeSpan StreamKeepAlive { get; init; }

    public required FrozenDictionary<string, LogicalModel> Models { get; init; }

    /// <summary>Breakers, retries, queueing and default fallbacks (validated).</summary>
    public required ResilienceOptions Resilience { get; init; }
    /// <summary>Which logical model serves a request: routes, the auto model, canaries (compiled, regexes included).</summary>
    public SelectionConfig Selection { get; init; } = SelectionConfig.None;

    public required KeyTable Keys { get; init; }

    /// <summary>Read at start-up only: changing storage needs a restart.</summary>
    public required StorageOptions Storage { get; init; }

    /// <summary>Validated governance settings as written (limits, budgets policy, ledger, alerts).</summary>
    public required GovernanceOptions Governance { get; init; }

    /// <summary>The zone budget periods align to.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>Every known model's price (defaults merged with Gateway:Prices).</summary>
    public required PriceTable Prices { get; init; }

    /// <summary>The exact and semantic caches (validated).</summary>
    public CachingOptions Caching { get; init; } = new();

    /// <summary>Active health probes: timing, and the deployments probed.</summary>
    public ProbePlan Probes { get; init; } = ProbePlan.None;

    /// <summary>Problems that do not stop the gateway (missing provider secrets): readiness reports them.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    public required DateTimeOffset LoadedAt { get; init; }
}

/// <summary>A model name callers use, served by one or more deployments tried in order.</summary>
public sealed class LogicalModel(string name, IReadOnlyList<Deployment> deployments, IReadOnlyList<Deployment> disabled)
{
    public string Name { get; } = name;

    /// <summary>Deployments whose provider is usable, in failover order.</summary>
    public IReadOnlyList<Deployment> Deployments { get; } = deployments;

    /// <summary>Deployments switched off by configuration problems (reported by readiness).</summary>
    public IReadOnlyList<Deployment> Disabled { get; } = disabled;

    public bool IsServable => Deployments.Count > 0;

    /// <summary>The cheaper model served instead once a budget passes the policy's DowngradeAt.</summary>
    public string? DowngradeTo { get; init; }

    public ModelRoutingPolicy Policy { get; init; } = ModelRoutingPolicy.Default;

    /// <summary>The deployments' priority groups, lowest (tried first) first.</summary>
    public IReadOnlyList<int> Priorities { get; } = deployments.Select(d => d.Routing.Priority).Distinct().Order().ToArray();

    /// <summary>Shown as owned_by in /v1/models; a model served only by mocks says so.</summary>
    public string OwnedBy => Deployments.All(d => d.Provider.Type == ProviderTypes.Mock) ? "serverless-gateway-mock" : "serverless-gateway";
}

/// <summary>One upstream target: a provider, the model or deployment name there, and its URLs.</summary>
public sealed class Deployment
{
    public required string Name { get; init; }

    public required ProviderRuntime Provider { get; init; }

    public required string UpstreamModel { get; init; }

    /// <summary>The upstream model as a JSON string token, ready to splice into forwarded bodies.</summary>
    public required byte[] UpstreamModelJson { get; init; }

    /// <summary>The provider's base URL (null for the mock); adapters for providers with their own API build on it.</summary>
    public Uri? BaseUri { get; init; }

    public required Uri? ChatCompletionsUri { get; init; }

    public required Uri? EmbeddingsUri { get; init; }

    /// <summary>Connect, first-token, idle and total limits of each attempt.</summary>
    public DeploymentTimeouts Timeouts { get; init; } = DeploymentTimeouts.Default;

    /// <summary>What its calls cost (from PriceAs or the upstream model); null when a paid provider's model has no price.</summary>
    public ModelPrice? Price { get; init; }

    public DeploymentRouting Routing { get; init; } = DeploymentRouting.Default;

    /// <summary>The faults it injects into a share of its attempts (configured fault drills); usually none.</summary>
    public FaultRules Faults { get; init; } = FaultRules.None;
}

/// <summary>A provider with its secrets resolved.</summary>
public sealed class ProviderRuntime
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required string AuthMode { get; init; }

    public string? ApiKey { get; init; }

    public bool StreamUsage { get; init; }

    public required MockOptions Mock { get; init; }

    /// <summary>Why the provider cannot be used, or null when it can.</summary>
    public string? Problem { get; init; }
}
