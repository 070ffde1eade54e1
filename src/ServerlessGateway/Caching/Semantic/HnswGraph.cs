using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The graph of <see cref="HnswVectorIndex"/> (Malkov and Yashunin, "Efficient and robust approximate nearest
/// neighbor search using Hierarchical Navigable Small World graphs", 2016): layers of proximity graphs, each
/// node on layer 0 and on each layer above with probability 1/M; a search descends greedily through the sparse
/// upper layers and widens to <c>ef</c> candidates on the bottom one. Neighbours are chosen with the paper's
/// heuristic (a candidate is skipped when it is closer to an already chosen neighbour than to the node), which
/// keeps links spread across clusters. Not thread-safe by itself: one writer, or any number of searchers.
/// A removed node keeps its place in the graph (it still routes searches) but has no key, so it is never returned.
/// </summary>
internal sealed partial class HnswGraph
{
    private readonly int dimensions;
    private readonly int m;
    private readonly int m0;
    private readonly int efConstruction;
    private readonly double levelFactor;
    private readonly Random random;
    private readonly ConcurrentBag<SearchScratch> scratches = [];
    private readonly List<(int Node, float Similarity)> pruneBuffer = [];
    private readonly List<int> selected = [];
    private readonly List<int> kept = [];
    private float[] vectors;
    private int[] bottomLinks;
    private int[]?[] upperLinks;
    private int entry = -1;
    private int topLevel = -1;

    public HnswGraph(int dimensions, HnswOptions options, Random random, int capacity)
    {
        this.dimensions = dimensions;
        m = options.M;
        m0 = 2 * options.M;
        efConstruction = options.EfConstruction;
        levelFactor = 1 / Math.Log(options.M);
        this.random = random;
        capacity = Math.Max(capacity, 16);
        vectors = new float[capacity * dimensions];
        bottomLinks = new int[capacity * (m0 + 1)];
        upperLinks = new int[]?[capacity];
        Keys = new string?[capacity];
    }

    /// <summary>Nodes ever inserted, removed ones included.</summary>
    public int NodeCount { get; private set; }

    /// <summary>The key of each node; null once removed.</summary>
    public string?[] Keys { get; private set; }

    public ReadOnlySpan<float> VectorOf(int node) => vectors.AsSpan(node * dimensions, dimensions);

    public int Insert(string key, ReadOnlySpan<float> vector)
    {
        var node = NodeCount;
        EnsureCapacity(node + 1);
        NodeCount++;
        Keys[node] = key;
        vector.CopyTo(vectors.AsSpan(node * dimensions, dimensions));
        var level = (int)(-Math.Log(1 - random.NextDouble()) * levelFactor);
        if (level > 0)
        {
            upperLinks[node] = new int[level * (m + 1)];
        }

        if (entry < 0)
        {
            (entry, topLevel) = (node, level);
            return node;
        }

        var scratch = Rent();
        var (nearest, similarity) = Descend(vector, level);
        for (var layer = Math.Min(level, topLevel); layer >= 0; layer--)
        {
            var found = SearchLayer(vector, nearest, similarity, efConstruction, layer, scratch, liveOnly: false);
            SelectNeighbours(found, m, selected);
            var links = LinksOf(node, layer);
            links[0] = selected.Count;
            for (var i = 0; i < selected.Count; i++)
            {
                links[i + 1] = selected[i];
                Connect(selected[i], node, layer);
            }

            (nearest, similarity) = found[0];
        }

        scratches.Add(scratch);
        if (level > topLevel)
        {
            (entry, topLevel) = (node, level);
        }

        return node;
    }

    /// <summary>Offers the live nodes nearest to <paramref name="query"/> to <paramref name="top"/>.</summary>
    public void Search(ReadOnlySpan<float> query, int ef, ref TopMatches top)
    {
        if (entry < 0)
        {
            return;
        }

        var scratch = Rent();
        var (nearest, similarity) = Descend(query, 0);
        foreach (var (node, nodeSimilarity) in SearchLayer(query, nearest, similarity, ef, 0, scratch, liveOnly: true))
        {
            top.Offer(node, nodeSimilarity);
        }

        scratches.Add(scratch);
    }

    /// <summary>Greedy descent from the entry point to the nearest node on layer <paramref name="level"/>.</summary>
    private (int Node, float Similarity) Descend(ReadOnlySpan<float> query, int level)
    {
        var nearest = entry;
        var best = TensorPrimitives.Dot(query, VectorOf(nearest));
        for (var layer = topLevel; layer > level; layer--)
        {
            for (var improved = true; improved;)
            {
                improved = false;
                var links = LinksOf(nearest, layer);
                for (var i = 1; i <= links[0]; i++)
                {
                    var similarity = TensorPrimitives.Dot(query, VectorOf(links[i]));
                    if (similarity > best)
                    {
                        (nearest, best, improved) = (links[i], similarity, true);
                    }
                }
            }
        }

        return (nearest, best);
    }

    /// <summary>The best-first search of one layer, widened to <paramref name="ef"/> results, best first. With
    /// <paramref name="liveOnly"/>, removed nodes are walked through but not returned.</summary>
    private List<(int Node, float Similarity)> SearchLayer(
        ReadOnlySpan<float> query, int start, float startSimilarity, int ef, int layer, SearchScratch scratch, bool liveOnly)
    {
        var (candidates, results) = (scratch.Candidates, scratch.Results);
        scratch.BeginVisit(NodeCount);
        scratch.Visit(start);
        candidates.Enqueue(start, -startSimilarity);
        if (!liveOnly || Keys[start] is not null)
        {
            results.Enqueue(start, startSimilarity);
        }

        var worst = results.Count > 0 ? startSimilarity : float.NegativeInfinity;
        while (candidates.TryDequeue(out var current, out var negated))
        {
            if (-negated < worst && results.Count >= ef)
            {
                break;
            }

            var links = LinksOf(current, layer);
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                if (!scratch.Visit(neighbour))
                {
                    continue;
                }

                var similarity = TensorPrimitives.Dot(query, VectorOf(neighbour));
                if (results.Count < ef || similarity > worst)
                {
                    candidates.Enqueue(neighbour, -similarity);
                    if (!liveOnly || Keys[neighbour] is not null)
                    {
                        results.Enqueue(neighbour, similarity);
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }

                        results.TryPeek(out _, out worst);
                    }
                }
            }
        }

        candidates.Clear();
        var found = scratch.Found;
        found.Clear();
        while (results.TryDequeue(out var node, out var similarity))
        {
            found.Add((node, similarity));
        }

        found.Reverse();
        return found;
    }

    private Span<int> LinksOf(int node, int layer) => layer == 0
        ? bottomLinks.AsSpan(node * (m0 + 1), m0 + 1)
        : upperLinks[node].AsSpan((layer - 1) * (m + 1), m + 1);

    private SearchScratch Rent() => scratches.TryTake(out var scratch) ? scratch : new SearchScratch();

    private void EnsureCapacity(int nodes)
    {
        if (nodes <= Keys.Length)
        {
            return;
        }

        var capacity = Keys.Length * 2;
        Array.Resize(ref vectors, capacity * dimensions);
        Array.Resize(ref bottomLinks, capacity * (m0 + 1));
        Array.Resize(ref upperLinks, capacity);
        var keys = Keys;
        Array.Resize(ref keys, capacity);
        Keys = keys;
    }
}
