namespace ServerlessGateway.Caching;

/// <summary>
/// Counters since start, for GET /admin/cache/stats: what operators read to decide whether to turn the semantic layer
/// on (shadow mode's agreement rate is the measured false-hit rate on their own traffic).
/// </summary>
public sealed class CacheStats
{
    public long Lookups;
    public long ExactHits;
    public long SemanticHits;
    public long Misses;
    public long ShadowHits;
    public long ShadowAgreed;
    public long ShadowDisagreed;
    public long GuardRefusals;
    public long EmbedderUnavailable;
    public long Stored;
    public long StoreDropped;
    public long Failures;

    public void Count(ref long counter) => Interlocked.Increment(ref counter);

    public void Looked(CacheLookup lookup)
    {
        Count(ref Lookups);
        switch (lookup.Status)
        {
            case CacheStatuses.Hit: Count(ref ExactHits); break;
            case CacheStatuses.SemanticHit: Count(ref SemanticHits); break;
            case CacheStatuses.ShadowHit: Count(ref ShadowHits); Count(ref Misses); break;
            default: Count(ref Misses); break;
        }
    }

    public CacheStatsView View() => new(
        Read(ref Lookups), Read(ref ExactHits), Read(ref SemanticHits), Read(ref Misses),
        Read(ref ShadowHits), Read(ref ShadowAgreed), Read(ref ShadowDisagreed), Read(ref GuardRefusals),
        Read(ref EmbedderUnavailable), Read(ref Stored), Read(ref StoreDropped), Read(ref Failures));

    private static long Read(ref long counter) => Interlocked.Read(ref counter);
}

/// <summary>The counters as the admin API returns them; ShadowDisagreementRate estimates the semantic layer's false-hit rate.</summary>
public sealed record CacheStatsView(
    long Lookups, long ExactHits, long SemanticHits, long Misses,
    long ShadowHits, long ShadowAgreed, long ShadowDisagreed, long GuardRefusals,
    long EmbedderUnavailable, long Stored, long StoreDropped, long Failures)
{
    public double? ShadowDisagreementRate => ShadowAgreed + ShadowDisagreed == 0 ? null : (double)ShadowDisagreed / (ShadowAgreed + ShadowDisagreed);
}
