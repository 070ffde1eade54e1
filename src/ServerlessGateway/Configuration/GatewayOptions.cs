using ServerlessGateway.Accounting.Pricing;

namespace ServerlessGateway.Configuration;

/// <summary>
/// The configuration document as written (section "Gateway"). Bound from IConfiguration so that
/// environment variables (Gateway__Models__x__...) and Azure app settings override any value.
/// It is validated and compiled into an immutable <see cref="GatewaySnapshot"/> before use.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest accepted request body, in bytes. Azure Functions' own limit is 100 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// A streamed response silent this long gets an SSE comment, so proxies (the Functions host drops a
    /// connection idle for 240 s) keep it open while a model thinks.
    /// </summary>
    public int StreamKeepAliveSeconds { get; set; } = 15;

    /// <summary>Admin key (full access; admin API in later versions). Supports ${ENV} references.</summary>
    public string? MasterKey { get; set; }

    public List<VirtualKeyOptions> Keys { get; set; } = [];

    public StorageOptions Storage { get; set; } = new();

    public GovernanceOptions Governance { get; set; } = new();

    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Which logical model serves a request (routes, the auto model) and how it is called.</summary>
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Per model, USD per 1M tokens: merged field by field over the embedded default prices.</summary>
    public Dictionary<string, PriceOptions> Prices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Active health probes of the deployments.</summary>
    public ProbeOptions Probes { get; set; } = new();

    /// <summary>The exact and semantic response caches.</summary>
    public CachingOptions Caching { get; set; } = new();
}

public sealed class VirtualKeyOptions
{
    public string? Name { get; set; }

    /// <summary>The secret itself (or a ${ENV} reference). Either this or <see cref="KeySha256"/>.</summary>
    public string? Key { get; set; }

    /// <summary>Hex SHA-256 of the secret, so the file need not hold the secret at all.</summary>
    public string? KeySha256 { get; set; }

    /// <summary>Logical model names this key may call; empty or "*" means all.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Ids of the user, team and organisation (in the admin store) this key belongs to.</summary>
    public string? User { get; set; }

    public string? Team { get; set; }

    public string? Organization { get; set; }

    public LimitOptions? Limits { get; set; }

    public BudgetOptions? Budget { get; set; }

    /// <summary>Default tags recorded with this key's usage.</summary>
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Lets the key route a request its own way with the x-gateway-routing header (docs/ROUTING.md).</summary>
    public bool AllowRoutingOverride { get; set; }
}

public sealed class ProviderOptions
{
    /// <summary>One of <see cref="ProviderTypes"/>.</summary>
    public string? Type { get; set; }

    /// <summary>OpenAI-compatible base URL ending before /chat/completions (e.g. https://api.openai.com/v1).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Azure OpenAI URL shape: "deployments" (classic, api-version) or "v1".</summary>
    public string? ApiShape { get; set; }

    public string? ApiVersion { get; set; }

    /// <summary>"api-key" or "entra" (Azure OpenAI); "bearer" or "none" (OpenAI-compatible).</summary>
    public string? Auth { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>A provider whose secrets or URL resolve to nothing is switched off quietly instead of reported.</summary>
    public bool Optional { get; set; }

    /// <summary>
    /// The whole call's time limit (120 s when unset); the same as <see cref="TimeoutOptions.TotalSeconds"/>, kept
    /// because existing configurations use it.
    /// </summary>
    public int? TimeoutSeconds { get; set; }

    /// <summary>Defaults for every deployment of this provider (a deployment's own Timeouts win, field by field).</summary>
    public TimeoutOptions? Timeouts { get; set; }

    /// <summary>Ask OpenAI-compatible upstreams for a usage chunk at the end of every stream (for accounting).</summary>
    public bool StreamUsage { get; set; } = true;

    public MockOptions Mock { get; set; } = new();
}

public sealed class MockOptions
{
    /// <summary>"echo" repeats the last user message; "template" answers <see cref="Template"/>.</summary>
    public string Mode { get; set; } = "echo";

    public string Template { get; set; } = "This is a mock response from ServerlessGateway.";

    public int LatencyMs { get; set; }

    public int ChunkDelayMs { get; set; }

    /// <summary>Words per streamed chunk.</summary>
    public int WordsPerChunk { get; set; } = 1;

    public int EmbeddingDimensions { get; set; } = 256;
}

public sealed class ModelOptions
{
    /// <summary>Tried in order: a failure before the first byte reaches the caller moves to the next.</summary>
    public List<DeploymentOptions> Deployments { get; set; } = [];

    /// <summary>A cheaper logical model served instead once a budget passes the policy's DowngradeAt.</summary>
    public string? DowngradeTo { get; set; }

    /// <summary>How deployments are ordered within each priority group (<see cref="RoutingStrategyNames"/>).</summary>
    public string Strategy { get; set; } = RoutingStrategyNames.Ordered;

    /// <summary>Logical models tried, in order, once this model's deployments have all failed or been skipped.</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>The model a prompt too long for every deployment here (or refused as too long by one) moves to.</summary>
    public string? LongContextModel { get; set; }

    /// <summary>Overrides Gateway:Resilience:Retry for this model.</summary>
    public RetryOptions? Retry { get; set; }

    /// <summary>Opt-in hedged requests.</summary>
    public HedgeOptions? Hedge { get; set; }

    /// <summary>
    /// Statuses that fail over although the classifier would return them to the caller, e.g. [400] when one
    /// provider's content filter refuses what another serves.
    /// </summary>
    public List<int> FailoverOnStatus { get; set; } = [];
    /// <summary>A share of this model's requests served by another logical model (an A/B test or a canary).</summary>
    public CanaryOptions? Canary { get; set; }
}

public sealed class DeploymentOptions
{
    public string? Provider { get; set; }

    /// <summary>Upstream model name (OpenAI, compatible servers) or Azure deployment name.</summary>
    public string? Model { get; set; }

    /// <summary>Overrides the provider's total time-out for this deployment (as <see cref="TimeoutOptions.TotalSeconds"/>).</summary>
    public int? TimeoutSeconds { get; set; }

    /// <summary>This deployment's time limits; unset fields come from the provider's Timeouts, then the defaults.</summary>
    public TimeoutOptions? Timeouts { get; set; }

    /// <summary>The price-table entry to charge at, when it is not the upstream model name (Azure deployment names).</summary>
    public string? PriceAs { get; set; }

    /// <summary>Names the deployment in traces and health state; default "provider/model".</summary>
    public string? Name { get; set; }

    /// <summary>Share of traffic under the weighted strategy.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Priority group: every deployment of group 0 is tried before group 1 (e.g. provisioned before pay-as-you-go).</summary>
    public int Priority { get; set; }

    /// <summary>The deployment's context window in tokens: a longer prompt skips it (default: the price table's, else unlimited).</summary>
    public long? ContextWindow { get; set; }

    /// <summary>At most this many requests in flight here; more wait in the queue or move on.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>The deployment's own quota (e.g. an Azure deployment's RPM/TPM), for usage-headroom routing.</summary>
    public long? RequestsPerMinute { get; set; }

    public long? TokensPerMinute { get; set; }

    /// <summary>Faults injected into a share of this deployment's attempts (fallback drills in staging).</summary>
    public List<FaultOptions> Faults { get; set; } = [];

    /// <summary>
    /// Whether active health probes call this deployment. Unset: on for free deployments (mocks, self-hosted servers),
    /// off for paid ones, since every probe costs money (an enabled paid probe's cost is recorded in the ledger).
    /// </summary>
    public bool? Probe { get; set; }

    /// <summary>"chat" or "embeddings": the request a probe sends. Unset: embeddings when the model's name says "embed", else chat.</summary>
    public string? ProbeKind { get; set; }
}

/// <summary>
/// Time limits of one attempt, in seconds (fractions allowed, e.g. 0.5), as written under a provider or a
/// deployment. What each one bounds, and the defaults: <see cref="DeploymentTimeouts"/>.
/// </summary>
public sealed class TimeoutOptions
{
    public double? ConnectSeconds { get; set; }

    public double? FirstTokenSeconds { get; set; }

    public double? IdleSeconds { get; set; }

    public double? TotalSeconds { get; set; }
}

/// <summary>The provider types the gateway knows.</summary>
public static class ProviderTypes
{
    public const string Mock = "mock";
    public const string OpenAI = "openai";
    public const string OpenAICompatible = "openai-compatible";
    public const string AzureOpenAI = "azure-openai";

    /// <summary>Anthropic's Messages API (adapter: Providers/Anthropic).</summary>
    public const string Anthropic = "anthropic";

    /// <summary>Google Gemini (adapter: Providers/Gemini).</summary>
    public const string Gemini = "gemini";

    // A type is accepted in configuration only once its adapter is registered: add it here with the adapter.

    public static readonly IReadOnlyList<string> All = [Mock, OpenAI, OpenAICompatible, AzureOpenAI, Anthropic, Gemini];
}

public static class ProviderAuthModes
{
    public const string Bearer = "bearer";
    public const string None = "none";
    public const string ApiKey = "api-key";
    public const string Entra = "entra";
}

public static class AzureApiShapes
{
    public const string Deployments = "deployments";
    public const string V1 = "v1";
}
