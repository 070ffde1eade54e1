using ServerlessGateway.Caching.Keys;
using ServerlessGateway.Caching.Replay;

namespace ServerlessGateway.Caching;

/// <summary>One request's dealings with the cache: what was looked up, what was found, and what to store after a miss.</summary>
public sealed class CacheLookup(CachePlan plan, Fingerprint fingerprint)
{
    public CachePlan Plan { get; } = plan;

    public Fingerprint Fingerprint { get; } = fingerprint;

    /// <summary>The answer to serve, when the cache has one.</summary>
    public CacheHit? Hit { get; set; }

    /// <summary>A hit for a streaming caller, parsed and checked for the replay (the server disposes it).</summary>
    public PreparedReplay? Replay { get; set; }

    /// <summary>Shadow mode: what the semantic layer would have served (not served).</summary>
    public CacheHit? Shadow { get; set; }

    /// <summary>The semantic partition (tenant, model, namespace, embedder, conversation context) and the question's embedding.</summary>
    public string? SemanticPartition { get; set; }

    public float[]? Vector { get; set; }

    /// <summary>The ledger's and the response header's word for what happened.</summary>
    public string Status => Hit is { } hit ? hit.Status : Shadow is not null ? CacheStatuses.ShadowHit : CacheStatuses.Miss;
}

/// <summary>A cached answer found for a request: exact, or semantic with its similarity.</summary>
public sealed record CacheHit(CacheEntry Entry, float? Similarity)
{
    public string Status => Similarity is null ? CacheStatuses.Hit : CacheStatuses.SemanticHit;
}

/// <summary>Values of the ledger's cache_status and of the x-gateway-cache response header.</summary>
public static class CacheStatuses
{
    public const string None = "none";
    public const string Miss = "miss";
    public const string Hit = "hit";
    public const string SemanticHit = "semantic-hit";

    /// <summary>Shadow mode found a semantic match; the ledger records whether the real answer agreed.</summary>
    public const string ShadowHit = "shadow-hit";
    public const string ShadowAgreed = "shadow-agreed";
    public const string ShadowDisagreed = "shadow-disagreed";
}
