using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class FlatVectorIndexTests
{
    private const int Dimensions = 48;

    [Fact]
    public void Search_returns_the_exact_nearest_in_order()
    {
        var random = new Random(11);
        var vectors = Enumerable.Range(0, 2_000).Select(_ => VectorSamples.Unit(random, Dimensions)).ToList();
        using var index = Fill(vectors);

        for (var q = 0; q < 100; q++)
        {
            var query = VectorSamples.Unit(random, Dimensions);
            var matches = index.Search(query, 5, float.NegativeInfinity);

            var expected = vectors.Select((vector, i) => (Key: Key(i), Similarity: System.Numerics.Tensors.TensorPrimitives.Dot(query, vector)))
                .OrderByDescending(match => match.Similarity).Take(5).ToList();
            Assert.Equal(expected.Select(match => match.Key), matches.Select(match => match.Key));
            Assert.Equal(expected.Select(match => match.Similarity), matches.Select(match => match.Similarity));
        }
    }

    [Fact]
    public void Only_matches_at_or_above_the_minimum_are_returned()
    {
        var random = new Random(12);
        var stored = VectorSamples.Unit(random, Dimensions);
        using var index = new FlatVectorIndex(Dimensions);
        index.Add("near", VectorSamples.Near(random, stored, 0.1f));
        index.Add("far", VectorSamples.Unit(random, Dimensions));

        var matches = index.Search(stored, 5, 0.9f);

        Assert.Equal(["near"], matches.Select(match => match.Key));
        Assert.Empty(index.Search(VectorSamples.Unit(random, Dimensions), 5, 0.99f));
    }

    [Fact]
    public void Adding_a_key_again_replaces_its_vector()
    {
        var random = new Random(13);
        var (first, second) = (VectorSamples.Unit(random, Dimensions), VectorSamples.Unit(random, Dimensions));
        using var index = new FlatVectorIndex(Dimensions);
        index.Add("k", first);
        index.Add("k", second);

        Assert.Equal(1, index.Count);
        Assert.Equal(1f, index.Search(second, 1, 0)[0].Similarity, 4);
    }

    [Fact]
    public void Removal_moves_the_last_row_and_keeps_every_other_key_findable()
    {
        var random = new Random(14);
        var vectors = Enumerable.Range(0, 200).Select(_ => VectorSamples.Unit(random, Dimensions)).ToList();
        using var index = Fill(vectors);
        var removed = Enumerable.Range(0, 200).Where(i => i % 3 == 0).ToHashSet();

        foreach (var i in removed)
        {
            Assert.True(index.Remove(Key(i)));
        }

        Assert.False(index.Remove(Key(0)));
        Assert.Equal(200 - removed.Count, index.Count);
        for (var i = 0; i < vectors.Count; i++)
        {
            var best = index.Search(vectors[i], 1, float.NegativeInfinity)[0];
            Assert.Equal(!removed.Contains(i), best.Key == Key(i));
            Assert.DoesNotContain(best.Key, removed.Select(Key));
        }
    }

    [Fact]
    public void Vectors_of_another_length_are_refused()
    {
        using var index = new FlatVectorIndex(Dimensions);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add("k", new float[Dimensions + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[3], 1, 0));
    }

    [Fact]
    public async Task Searches_run_while_entries_are_added_and_removed()
    {
        var random = new Random(15);
        var vectors = Enumerable.Range(0, 3_000).Select(_ => VectorSamples.Unit(random, Dimensions)).ToList();
        using var index = Fill(vectors[..1_000]);

        await VectorSamples.ChurnWhileSearchingAsync(index, vectors, live: 1_000);
    }

    private static string Key(int i) => VectorSamples.Key(i);

    private static FlatVectorIndex Fill(List<float[]> vectors)
    {
        var index = new FlatVectorIndex(Dimensions);
        for (var i = 0; i < vectors.Count; i++)
        {
            index.Add(Key(i), vectors[i]);
        }

        return index;
    }
}
