namespace ServerlessGateway.Pipeline;

/// <summary>Response headers that tell the caller what the gateway did.</summary>
public static class GatewayHeaders
{
    public const string RequestId = "x-request-id";
    public const string Deployment = "x-gateway-deployment";
    public const string Provider = "x-gateway-provider";
    public const string Attempts = "x-gateway-attempts";

    /// <summary>Milliseconds the gateway itself spent, excluding the wait for the upstream (up to the first byte sent).</summary>
    public const string OverheadMs = "x-gateway-overhead-ms";
    public const string ServerTiming = "server-timing";

    /// <summary>The request's cost in USD at the price table's prices (buffered answers; a stream's cost is in the ledger).</summary>
    public const string CostUsd = "x-gateway-cost-usd";

    /// <summary>Set when the budget policy served a cheaper model: the model the caller asked for.</summary>
    public const string DowngradedFrom = "x-gateway-downgraded-from";

    /// <summary>The routing decision trace: candidates, skips and why, attempts with status and time.</summary>
    public const string Route = "x-gateway-route";

    /// <summary>Request header: "batch" queues behind interactive requests when deployments are saturated.</summary>
    public const string Priority = "x-gateway-priority";

    /// <summary>Set when model selection (a route, the auto model, a canary) serves another logical model than the one asked for.</summary>
    public const string Model = "x-gateway-model";

    /// <summary>Why that model: "route=eu-users; tier=complex (prompt 5,210 tokens >= 4,000); canary=gpt-4.1 (sticky user, 10%)".</summary>
    public const string Selection = "x-gateway-selection";

    /// <summary>What the cache did: hit, semantic-hit, miss, shadow-hit (see Caching.CacheStatuses); absent when it had no part.</summary>
    public const string Cache = "x-gateway-cache";

    /// <summary>A cached answer's age in seconds.</summary>
    public const string CacheAge = "x-gateway-cache-age";

    /// <summary>A semantic hit's cosine similarity to the cached question.</summary>
    public const string CacheSimilarity = "x-gateway-cache-similarity";

    /// <summary>A cached answer: what the original call cost, saved by this one.</summary>
    public const string SavedUsd = "x-gateway-saved-usd";
}
