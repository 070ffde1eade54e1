using System.Collections.Concurrent;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// One vector index per semantic partition (tenant + model + namespace + embedder + context), so tenants are
/// isolated by construction: a search names its partition and only that partition's index is ever read. A
/// partition starts as a <see cref="FlatVectorIndex"/> (exact, and fastest while small) and moves to an
/// <see cref="HnswVectorIndex"/> once it holds more than <see cref="MigrationThreshold"/> entries; the add that
/// crosses the threshold builds the graph (searches keep using the flat index until it is swapped in). A partition
/// whose last entry is removed is dropped. Each partition has its own write lock; searches take none here.
/// </summary>
public sealed class PartitionedVectorIndex
{
    /// <summary>Just past where flat search stops being faster than HNSW at the local embedder's 256 dimensions
    /// (about 3,000 entries, bench/SemanticCacheBench; docs/BENCHMARKS.md, "Semantic cache"). Kept a little above
    /// the crossover: around it the two differ by tens of microseconds, and flat is exact and builds no graph.
    /// Beyond it flat search grows linearly (0.14 ms at 10k, 4 ms at 100k) while HNSW stays near 0.1 ms.</summary>
    public const int DefaultMigrationThreshold = 4_000;

    private readonly ConcurrentDictionary<string, Partition> partitions = new(StringComparer.Ordinal);
    private readonly HnswOptions hnswOptions;
    private readonly int seed;
    private int count;

    public PartitionedVectorIndex(int migrationThreshold = DefaultMigrationThreshold, HnswOptions? hnswOptions = null, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(migrationThreshold, 1);
        MigrationThreshold = migrationThreshold;
        this.hnswOptions = hnswOptions ?? HnswOptions.Default;
        this.seed = seed;
    }

    public int MigrationThreshold { get; }

    /// <summary>Entries across all partitions.</summary>
    public int Count => Volatile.Read(ref count);

    public int PartitionCount => partitions.Count;

    /// <summary>Adds (or replaces) <paramref name="key"/> in <paramref name="partition"/>. Every vector of one
    /// partition must have the length of its first.</summary>
    public void Add(string partition, string key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(vector);
        while (true)
        {
            var entry = partitions.GetOrAdd(partition, static (_, dimensions) => new Partition(dimensions), vector.Length);
            lock (entry.Writes)
            {
                if (entry.Dropped)
                {
                    // Emptied and dropped between the lookup and the lock: add to its successor.
                    continue;
                }

                var before = entry.Index.Count;
                entry.Index.Add(key, vector);
                Interlocked.Add(ref count, entry.Index.Count - before);
                if (entry.Index is FlatVectorIndex flat && flat.Count > MigrationThreshold)
                {
                    entry.Index = ToHnsw(flat);
                }

                return;
            }
        }
    }

    public bool Remove(string partition, string key)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (!partitions.TryGetValue(partition, out var entry))
        {
            return false;
        }

        lock (entry.Writes)
        {
            if (entry.Dropped || !entry.Index.Remove(key))
            {
                return false;
            }

            Interlocked.Decrement(ref count);
            if (entry.Index.Count == 0)
            {
                entry.Dropped = true;
                partitions.TryRemove(new KeyValuePair<string, Partition>(partition, entry));
            }

            return true;
        }
    }

    /// <summary>Searches <paramref name="partition"/> only; no matches when it does not exist.</summary>
    public IReadOnlyList<VectorMatch> Search(string partition, ReadOnlySpan<float> query, int k, float minSimilarity)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return partitions.TryGetValue(partition, out var entry) ? entry.Index.Search(query, k, minSimilarity) : [];
    }

    /// <summary>The index behind a partition (tests and diagnostics).</summary>
    internal IVectorIndex? IndexOf(string partition) => partitions.TryGetValue(partition, out var entry) ? entry.Index : null;

    private HnswVectorIndex ToHnsw(FlatVectorIndex flat)
    {
        var hnsw = new HnswVectorIndex(flat.Dimensions, seed, hnswOptions, flat.Count * 2);
        foreach (var (key, vector) in flat.Entries())
        {
            hnsw.Add(key, vector);
        }

        // The flat index is not disposed: a search that read it before the swap may still be running on it.
        return hnsw;
    }

    private sealed class Partition(int dimensions)
    {
        // Most partitions hold one or two entries (the context key covers the whole conversation): start small, double.
        private volatile IVectorIndex index = new FlatVectorIndex(dimensions, initialCapacity: 2);

        public Lock Writes { get; } = new();

        public IVectorIndex Index
        {
            get => index;
            set => index = value;
        }

        public bool Dropped { get; set; }
    }
}
