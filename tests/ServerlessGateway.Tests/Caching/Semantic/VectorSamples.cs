using System.Numerics.Tensors;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

/// <summary>Seeded test data for the vector indexes: random unit vectors, clustered ones, near copies, and
/// generated sentences (a small grammar written here) for the real embedder.</summary>
internal static class VectorSamples
{
    private static readonly string[] Subjects = ["the gateway", "my service", "a tenant", "the cache", "our team", "the router", "this model", "the billing job"];
    private static readonly string[] Verbs = ["reads", "writes", "rejects", "retries", "forwards", "counts", "stores", "drops", "signs", "compresses"];
    private static readonly string[] Objects = ["every request", "large prompts", "streamed answers", "expired keys", "usage records", "audit logs", "embedding vectors", "budget alerts", "tool calls", "cached replies"];
    private static readonly string[] Tails = ["at night", "for each region", "under load", "after a restart", "when the quota is low", "in the test run", "before the deadline", "with a new key"];

    public static float[] Unit(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return Normalise(vector);
    }

    /// <summary>A unit vector near <paramref name="centre"/>: the centre plus noise of relative size <paramref name="spread"/>.</summary>
    public static float[] Near(Random random, float[] centre, float spread)
    {
        var noise = Unit(random, centre.Length);
        var vector = new float[centre.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = centre[i] + (spread * noise[i]);
        }

        return Normalise(vector);
    }

    /// <summary><paramref name="count"/> vectors in <paramref name="clusters"/> clusters (the shape of real caches:
    /// many variants of a few topics).</summary>
    public static List<float[]> Clustered(Random random, int count, int clusters, int dimensions)
    {
        var centres = Enumerable.Range(0, clusters).Select(_ => Unit(random, dimensions)).ToArray();
        return Enumerable.Range(0, count).Select(_ => Near(random, centres[random.Next(clusters)], 0.6f)).ToList();
    }

    public static string Sentence(Random random) =>
        $"{Pick(random, Subjects)} {Pick(random, Verbs)} {Pick(random, Objects)} {Pick(random, Tails)} {random.Next(1000)}";

    public static int BruteForceBest(IReadOnlyList<float[]> vectors, ReadOnlySpan<float> query)
    {
        var (best, bestSimilarity) = (-1, float.NegativeInfinity);
        for (var i = 0; i < vectors.Count; i++)
        {
            var similarity = TensorPrimitives.Dot(query, vectors[i]);
            if (similarity > bestSimilarity)
            {
                (best, bestSimilarity) = (i, similarity);
            }
        }

        return best;
    }

    /// <summary>Two readers search while a writer slides a window of <paramref name="live"/> entries along
    /// <paramref name="vectors"/> (each add followed by the removal of the oldest); every search must see a
    /// consistent index, and the window must end where it should.</summary>
    public static async Task ChurnWhileSearchingAsync(IVectorIndex index, List<float[]> vectors, int live)
    {
        var writer = Task.Run(() =>
        {
            for (var i = live; i < vectors.Count; i++)
            {
                index.Add(Key(i), vectors[i]);
                index.Remove(Key(i - live));
            }
        }, TestContext.Current.CancellationToken);
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var matches = index.Search(vectors[((i * 7) + r) % vectors.Count], 3, float.NegativeInfinity);
                Assert.InRange(matches.Count, 1, 3);
                Assert.True(matches[0].Similarity >= matches[^1].Similarity);
            }
        }, TestContext.Current.CancellationToken));
        await Task.WhenAll([writer, .. readers]);

        Assert.Equal(live, index.Count);
        Assert.Equal(Key(vectors.Count - 1), index.Search(vectors[^1], 1, 0)[0].Key);
    }

    public static string Key(int i) => "k" + i;

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];

    private static float[] Normalise(float[] vector)
    {
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
