using ServerlessGateway.Caching.Semantic;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Caching;

/// <summary>
/// The semantic layer: embeds the last user message, searches the nearest entries in the request's own partition
/// (tenant, model, namespace, embedder and a hash of everything else in the request: system prompt, earlier turns,
/// parameters), and takes the most similar one above the threshold that the second-stage guard agrees with. The
/// index holds keys and vectors only; answers come from the store, so an evicted or expired entry is simply a miss.
/// </summary>
public sealed class SemanticCache(ICacheStore store, PartitionedVectorIndex index, IEnumerable<IEmbedder> embedders, GatewayConfigStore config, CacheStats stats, TimeProvider time)
{
    private readonly Dictionary<string, IEmbedder> byName = embedders.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public PartitionedVectorIndex Index => index;

    public async ValueTask LookupAsync(CacheLookup lookup, CancellationToken cancellationToken)
    {
        var options = config.Current.Caching.Semantic;
        if (!byName.TryGetValue(options.Embedder, out var embedder) || lookup.Fingerprint.SemanticText is not { Length: > 0 } text)
        {
            return;
        }

        var vector = await embedder.EmbedAsync(text, cancellationToken);
        if (vector is null)
        {
            stats.Count(CacheCounter.EmbedderUnavailable);
            return;
        }

        // Vectors are comparable only from one embedder, one model, one length: all three are part of the partition.
        var space = embedder.Name == EmbedderNames.Gateway ? embedder.Name + ":" + options.EmbeddingModel : embedder.Name;
        var partition = $"{lookup.Fingerprint.Partition}|{space}:{vector.Length}|{lookup.Fingerprint.ContextKey}";
        lookup.SemanticPartition = partition;
        lookup.Vector = vector;
        if (lookup.Plan.Directives.NoCache)
        {
            return;
        }

        foreach (var match in index.Search(partition, vector, Math.Max(1, options.Candidates), (float)lookup.Plan.Threshold))
        {
            if (await store.GetAsync(match.Key, cancellationToken) is not { SemanticText: { } cachedText } entry)
            {
                index.Remove(partition, match.Key); // expired or evicted since it was indexed
                continue;
            }

            if (!lookup.Plan.Accepts(entry, time.GetUtcNow()))
            {
                continue;
            }

            if (options.Guard && !SemanticGuard.Check(text, cachedText).Agrees)
            {
                stats.Count(CacheCounter.GuardRefusals);
                continue;
            }

            var hit = new CacheHit(entry, match.Similarity);
            if (lookup.Plan.SemanticServes)
            {
                lookup.Hit = hit;
            }
            else
            {
                lookup.Shadow = hit;
            }

            return;
        }
    }

    /// <summary>
    /// A stored entry with a vector becomes searchable. The index is bounded (Gateway:Caching:Semantic:MaxEntries): past
    /// the bound the oldest entries leave it (their answers stay in the store for exact lookups).
    /// </summary>
    /// <param name="entry">The stored entry.</param>
    /// <param name="rebuilding">True while the index is rebuilt from the store at start: not limited by the insert rate.</param>
    public void Indexed(CacheEntry entry, bool rebuilding = false)
    {
        if (entry is not { SemanticPartition: { } partition, Vector: { } vector })
        {
            return;
        }

        if (!rebuilding && !indexWrites.TryTake(config.Current.Caching.Semantic.MaxIndexedPerSecond, time.GetTimestamp(), time.TimestampFrequency))
        {
            stats.Count(CacheCounter.IndexSkipped);
            return;
        }

        lock (order)
        {
            index.Add(partition, entry.Key, vector);
            order.Enqueue(new IndexedKey(partition, entry.Key, entry.ExpiresAt));
            current[entry.Key] = entry.ExpiresAt;
            var max = config.Current.Caching.Semantic.MaxEntries;
            while (index.Count > max && order.TryDequeue(out var oldest))
            {
                Drop(oldest);
            }
        }
    }

    /// <summary>Takes expired entries out of the index (entries expire in about the order they were added).</summary>
    public void RemoveExpired()
    {
        var now = time.GetUtcNow();
        lock (order)
        {
            while (order.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
            {
                Drop(order.Dequeue());
            }
        }
    }

    /// <summary>
    /// Removes a queued entry from the index unless it is a stale copy: a refreshed key is queued again, and the
    /// older copy leaving must not take the newer vector with it.
    /// </summary>
    private void Drop(IndexedKey queued)
    {
        if (current.TryGetValue(queued.Key, out var expires) && expires == queued.ExpiresAt)
        {
            current.Remove(queued.Key);
            index.Remove(queued.Partition, queued.Key);
        }
    }

    // Index order and each key's newest expiry; only touched under lock (order).
    private readonly Queue<IndexedKey> order = new();
    private readonly Dictionary<string, DateTimeOffset> current = new(StringComparer.Ordinal);
    private readonly IndexWriteBudget indexWrites = new();

    private readonly record struct IndexedKey(string Partition, string Key, DateTimeOffset ExpiresAt);
}
