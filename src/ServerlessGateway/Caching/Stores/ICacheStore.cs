namespace ServerlessGateway.Caching.Stores;

/// <summary>
/// Where cached answers live, by exact key. An entry past its <see cref="CacheEntry.ExpiresAt"/> (at the store's
/// clock) is never returned, whether or not it has been purged yet.
/// </summary>
public interface ICacheStore
{
    /// <summary>The entry, or null when absent or expired.</summary>
    ValueTask<CacheEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the entry under its key.</summary>
    ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces several entries (the background writer's batches; SQLite writes them in one transaction).</summary>
    async ValueTask SetManyAsync(IReadOnlyList<CacheEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            await SetAsync(entry, cancellationToken);
        }
    }

    /// <summary>Whether an entry (expired or not) was there to remove.</summary>
    ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the expired entries (and, in a store bounded by count, the oldest past the bound); returns how many.</summary>
    ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every unexpired entry with a <see cref="CacheEntry.Vector"/>, oldest first: what the in-memory vector index is
    /// rebuilt from at start. <see cref="CacheEntry.Response"/> may be left empty (the index needs no answers).
    /// </summary>
    IAsyncEnumerable<CacheEntry> SemanticEntriesAsync(CancellationToken cancellationToken);

    /// <summary>Counts as of now; the SQLite store runs a query for them, so read them for reports, not per request.</summary>
    CacheStoreStats Stats { get; }
}

/// <summary>
/// Entries held (an expired one counts until it is purged); the bytes they take (the memory store's size estimate,
/// the SQLite store's stored response, vector and text); and how many entries the store itself dropped to stay
/// within its bounds, not counting those that expired or were removed.
/// </summary>
public readonly record struct CacheStoreStats(long Entries, long Bytes, long Evictions);
