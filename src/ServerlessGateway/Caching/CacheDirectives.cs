namespace ServerlessGateway.Caching;

/// <summary>
/// What the caller asked of the cache for one request, from headers and the body's "cache" object (both may be
/// used; a header wins over the body for the same directive). See docs/CACHING.md for the wire shapes.
/// </summary>
public sealed record CacheDirectives
{
    public static readonly CacheDirectives None = new();

    /// <summary>Neither read nor write the cache.</summary>
    public static readonly CacheDirectives Bypass = new() { Use = false };

    /// <summary>true: cache this request even when it is not deterministic; false: neither read nor write the cache.</summary>
    public bool? Use { get; init; }

    /// <summary>Do not answer from the cache (force refresh); the fresh answer is still stored unless <see cref="NoStore"/>.</summary>
    public bool NoCache { get; init; }

    /// <summary>Do not store this answer.</summary>
    public bool NoStore { get; init; }

    /// <summary>How long the stored answer lives (capped by Gateway:Caching:MaxTtlSeconds).</summary>
    public int? TtlSeconds { get; init; }

    /// <summary>Accept a cached answer only if it is at most this old (HTTP's max-age; LiteLLM's s-maxage).</summary>
    public int? MaxAgeSeconds { get; init; }

    /// <summary>A sub-namespace within the caller's tenant: entries in other namespaces are not seen.</summary>
    public string? Namespace { get; init; }

    /// <summary>This request's directives, each taken from <paramref name="header"/> where it sets one, else from this.</summary>
    public CacheDirectives Under(CacheDirectives header) => ReferenceEquals(header, None) ? this : new()
    {
        Use = header.Use ?? Use,
        NoCache = header.NoCache || NoCache,
        NoStore = header.NoStore || NoStore,
        TtlSeconds = header.TtlSeconds ?? TtlSeconds,
        MaxAgeSeconds = header.MaxAgeSeconds ?? MaxAgeSeconds,
        Namespace = header.Namespace ?? Namespace,
    };
}
