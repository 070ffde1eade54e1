namespace ServerlessGateway.Caching;

/// <summary>What the cache counts since start.</summary>
public enum CacheCounter
{
    Lookups, ExactHits, SemanticHits, Misses, ShadowHits, ShadowAgreed, ShadowDisagreed,
    GuardRefusals, EmbedderUnavailable, Stored, StoreDropped, Failures, IndexSkipped, NotStorable, NotReplayable,
}

/// <summary>
/// Counters since start, for GET /admin/cache/stats: what operators read to decide whether to turn the semantic layer
/// on (shadow mode's agreement rate is the measured false-hit rate on their own traffic).
/// </summary>
public sealed class CacheStats
{
    private readonly long[] counters = new long[Enum.GetValues<CacheCounter>().Length];

    public void Count(CacheCounter counter) => Interlocked.Increment(ref counters[(int)counter]);

    public long this[CacheCounter counter] => Interlocked.Read(ref counters[(int)counter]);

    public void Looked(CacheLookup lookup)
    {
        Count(CacheCounter.Lookups);
        Count(lookup.Status switch
        {
            CacheStatuses.Hit => CacheCounter.ExactHits,
            CacheStatuses.SemanticHit => CacheCounter.SemanticHits,
            _ => CacheCounter.Misses,
        });
        if (lookup.Shadow is not null)
        {
            Count(CacheCounter.ShadowHits);
        }
    }

    public CacheStatsView View() => new(
        this[CacheCounter.Lookups], this[CacheCounter.ExactHits], this[CacheCounter.SemanticHits], this[CacheCounter.Misses],
        this[CacheCounter.ShadowHits], this[CacheCounter.ShadowAgreed], this[CacheCounter.ShadowDisagreed], this[CacheCounter.GuardRefusals],
        this[CacheCounter.EmbedderUnavailable], this[CacheCounter.Stored], this[CacheCounter.StoreDropped], this[CacheCounter.Failures],
        this[CacheCounter.IndexSkipped], this[CacheCounter.NotStorable], this[CacheCounter.NotReplayable]);
}

/// <summary>The counters as the admin API returns them; ShadowDisagreementRate estimates the semantic layer's false-hit rate.</summary>
public sealed record CacheStatsView(
    long Lookups, long ExactHits, long SemanticHits, long Misses,
    long ShadowHits, long ShadowAgreed, long ShadowDisagreed, long GuardRefusals,
    long EmbedderUnavailable, long Stored, long StoreDropped, long Failures, long IndexSkipped, long NotStorable, long NotReplayable)
{
    public double? ShadowDisagreementRate => ShadowAgreed + ShadowDisagreed == 0 ? null : (double)ShadowDisagreed / (ShadowAgreed + ShadowDisagreed);
}
