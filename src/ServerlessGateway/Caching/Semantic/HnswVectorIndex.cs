namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// Approximate search for large partitions: an HNSW graph (<see cref="HnswGraph"/>), sub-linear per search at a
/// small cost in recall (measured against <see cref="FlatVectorIndex"/> in docs/BENCHMARKS.md). Level assignment
/// draws from a <see cref="Random"/> seeded in the constructor, so a build is reproducible. Removal leaves a
/// tombstone; when tombstones pass <see cref="HnswOptions.RebuildTombstoneShare"/> of the nodes, the graph is
/// rebuilt from the live ones inside the write lock (O(n log n): rare, and paid by the writer). Searches share a
/// read lock; adds and removes take the write lock.
/// </summary>
public sealed class HnswVectorIndex : IVectorIndex, IDisposable
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> nodeOf = new(StringComparer.Ordinal);
    private readonly HnswOptions options;
    private readonly Random random;
    private HnswGraph graph;
    private int efSearch;
    private int count;

    public HnswVectorIndex(int dimensions, int seed, HnswOptions? options = null, int initialCapacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        this.options = options ?? HnswOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.M, 2);
        Dimensions = dimensions;
        efSearch = this.options.EfSearch;
        random = new Random(seed);
        graph = new HnswGraph(dimensions, this.options, random, initialCapacity);
    }

    public int Dimensions { get; }

    public int Count => Volatile.Read(ref count);

    /// <summary>Candidates a search considers (at least k): raise for recall, lower for speed.</summary>
    public int EfSearch
    {
        get => Volatile.Read(ref efSearch);
        set => Volatile.Write(ref efSearch, Math.Max(1, value));
    }

    public void Add(string key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfNotEqual(vector.Length, Dimensions);
        gate.EnterWriteLock();
        try
        {
            if (nodeOf.TryGetValue(key, out var old))
            {
                graph.Keys[old] = null;
            }

            nodeOf[key] = graph.Insert(key, vector);
            Volatile.Write(ref count, nodeOf.Count);
            RebuildIfWorn();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        gate.EnterWriteLock();
        try
        {
            if (!nodeOf.Remove(key, out var node))
            {
                return false;
            }

            graph.Keys[node] = null;
            Volatile.Write(ref count, nodeOf.Count);
            RebuildIfWorn();
            return true;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, float minSimilarity)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(query.Length, Dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        gate.EnterReadLock();
        try
        {
            var top = new TopMatches(k, minSimilarity);
            graph.Search(query, Math.Max(EfSearch, k), ref top);
            return top.ToMatches(graph.Keys);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    public void Dispose() => gate.Dispose();

    private void RebuildIfWorn()
    {
        var tombstones = graph.NodeCount - nodeOf.Count;
        if (tombstones < 16 || tombstones < options.RebuildTombstoneShare * graph.NodeCount)
        {
            return;
        }

        var worn = graph;
        graph = new HnswGraph(Dimensions, options, random, nodeOf.Count);
        for (var node = 0; node < worn.NodeCount; node++)
        {
            if (worn.Keys[node] is { } key)
            {
                nodeOf[key] = graph.Insert(key, worn.VectorOf(node));
            }
        }
    }
}
