using System.Numerics.Tensors;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class HnswVectorIndexTests
{
    [Fact]
    public void Recall_at_one_is_at_least_95_percent_on_20k_clustered_vectors()
    {
        var random = new Random(21);
        var vectors = VectorSamples.Clustered(random, 20_000, clusters: 200, dimensions: 32);
        using var index = Fill(new HnswVectorIndex(32, seed: 1), vectors);
        var queries = VectorSamples.Clustered(random, 500, clusters: 200, dimensions: 32);

        var recall = Recall(index, vectors, queries);

        Assert.True(recall >= 0.95, $"recall@1 {recall:0.000}");
    }

    [Fact]
    public void Recall_at_one_is_at_least_95_percent_on_embedded_sentences()
    {
        var random = new Random(22);
        var embedder = new LocalEmbedder();
        var vectors = Enumerable.Range(0, 5_000).Select(_ => embedder.Embed(VectorSamples.Sentence(random))!).ToList();
        using var index = Fill(new HnswVectorIndex(embedder.Dimensions, seed: 2), vectors);
        var queries = Enumerable.Range(0, 300).Select(_ => embedder.Embed(VectorSamples.Sentence(random))!).ToList();

        var recall = Recall(index, vectors, queries);

        Assert.True(recall >= 0.95, $"recall@1 {recall:0.000}");
    }

    [Fact]
    public void The_same_seed_builds_the_same_graph()
    {
        var random = new Random(23);
        var vectors = VectorSamples.Clustered(random, 2_000, clusters: 20, dimensions: 16);
        var queries = VectorSamples.Clustered(random, 100, clusters: 20, dimensions: 16);
        using var first = Fill(new HnswVectorIndex(16, seed: 5, new HnswOptions { EfSearch = 8 }), vectors);
        using var second = Fill(new HnswVectorIndex(16, seed: 5, new HnswOptions { EfSearch = 8 }), vectors);

        foreach (var query in queries)
        {
            Assert.Equal(first.Search(query, 3, float.NegativeInfinity), second.Search(query, 3, float.NegativeInfinity));
        }
    }

    [Fact]
    public void Removed_keys_are_never_returned_and_a_rebuild_keeps_the_rest_findable()
    {
        var random = new Random(24);
        var vectors = Enumerable.Range(0, 3_000).Select(_ => VectorSamples.Unit(random, 24)).ToList();
        using var index = Fill(new HnswVectorIndex(24, seed: 3), vectors);

        // Two thirds removed: well past the tombstone share, so the graph is rebuilt (more than once).
        for (var i = 0; i < vectors.Count; i++)
        {
            if (i % 3 != 0)
            {
                Assert.True(index.Remove(Key(i)));
            }
        }

        Assert.False(index.Remove(Key(1)));
        Assert.Equal(1_000, index.Count);
        var found = 0;
        for (var i = 0; i < vectors.Count; i++)
        {
            var matches = index.Search(vectors[i], 5, float.NegativeInfinity);
            Assert.All(matches, match => Assert.Equal(0, int.Parse(match.Key[1..], System.Globalization.CultureInfo.InvariantCulture) % 3));
            found += i % 3 == 0 && matches[0].Key == Key(i) ? 1 : 0;
        }

        Assert.True(found >= 990, $"{found} of 1000 remaining entries found as their own nearest");
    }

    [Fact]
    public void Adding_a_key_again_replaces_its_vector()
    {
        var random = new Random(25);
        using var index = new HnswVectorIndex(16, seed: 4);
        var (first, second) = (VectorSamples.Unit(random, 16), VectorSamples.Unit(random, 16));
        index.Add("k", first);
        index.Add("other", VectorSamples.Unit(random, 16));
        index.Add("k", second);

        Assert.Equal(2, index.Count);
        var matches = index.Search(second, 2, float.NegativeInfinity);
        Assert.Equal("k", matches[0].Key);
        Assert.Equal(1f, matches[0].Similarity, 4);
        Assert.DoesNotContain(index.Search(first, 2, float.NegativeInfinity), match => match.Key == "k" && match.Similarity > 0.999f);
    }

    [Fact]
    public void An_empty_index_finds_nothing_and_k_above_ef_is_honoured()
    {
        var random = new Random(26);
        using var index = new HnswVectorIndex(8, seed: 6, new HnswOptions { EfSearch = 2 });
        Assert.Empty(index.Search(VectorSamples.Unit(random, 8), 3, float.NegativeInfinity));

        Fill(index, Enumerable.Range(0, 50).Select(_ => VectorSamples.Unit(random, 8)).ToList());

        Assert.Equal(10, index.Search(VectorSamples.Unit(random, 8), 10, float.NegativeInfinity).Count);
    }

    [Fact]
    public async Task Searches_run_while_entries_are_added_and_removed()
    {
        var random = new Random(27);
        var vectors = Enumerable.Range(0, 2_000).Select(_ => VectorSamples.Unit(random, 16)).ToList();
        using var index = Fill(new HnswVectorIndex(16, seed: 7), vectors[..500]);

        await VectorSamples.ChurnWhileSearchingAsync(index, vectors, live: 500);
    }

    /// <summary>Share of queries whose exact nearest HNSW also returns first (a tie in similarity counts).</summary>
    private static double Recall(HnswVectorIndex index, List<float[]> vectors, List<float[]> queries)
    {
        var found = 0;
        foreach (var query in queries)
        {
            var exact = TensorPrimitives.Dot(query, vectors[VectorSamples.BruteForceBest(vectors, query)]);
            var best = index.Search(query, 1, float.NegativeInfinity);
            found += best.Count == 1 && best[0].Similarity >= exact - 1e-6f ? 1 : 0;
        }

        return (double)found / queries.Count;
    }

    private static string Key(int i) => VectorSamples.Key(i);

    private static HnswVectorIndex Fill(HnswVectorIndex index, List<float[]> vectors)
    {
        for (var i = 0; i < vectors.Count; i++)
        {
            index.Add(Key(i), vectors[i]);
        }

        return index;
    }
}
