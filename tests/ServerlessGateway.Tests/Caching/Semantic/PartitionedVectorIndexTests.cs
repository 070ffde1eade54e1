using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class PartitionedVectorIndexTests
{
    private const int Dimensions = 16;

    [Fact]
    public void No_search_ever_returns_a_key_of_another_partition()
    {
        // Property test: random adds, replaces, removes and searches over a few partitions that share vectors
        // (the same text cached by two tenants); every key names its partition, so a leak would show.
        var random = new Random(31);
        var index = new PartitionedVectorIndex(migrationThreshold: 40);
        var partitions = new[] { "tenant-a", "tenant-b", "tenant-c", "tenant-d" };
        var shared = Enumerable.Range(0, 60).Select(_ => VectorSamples.Unit(random, Dimensions)).ToArray();
        var live = partitions.ToDictionary(p => p, _ => new HashSet<string>());

        for (var step = 0; step < 4_000; step++)
        {
            var partition = partitions[random.Next(partitions.Length)];
            var key = partition + "/" + random.Next(80);
            switch (random.Next(4))
            {
                case 0 or 1:
                    index.Add(partition, key, shared[random.Next(shared.Length)]);
                    live[partition].Add(key);
                    break;
                case 2:
                    Assert.Equal(live[partition].Remove(key), index.Remove(partition, key));
                    break;
                default:
                    var matches = index.Search(partition, shared[random.Next(shared.Length)], 5, float.NegativeInfinity);
                    Assert.All(matches, match => Assert.StartsWith(partition + "/", match.Key, StringComparison.Ordinal));
                    Assert.All(matches, match => Assert.Contains(match.Key, live[partition]));
                    break;
            }
        }

        Assert.Equal(live.Values.Sum(keys => keys.Count), index.Count);
    }

    [Fact]
    public void A_partition_moves_to_hnsw_past_the_threshold_and_keeps_its_entries()
    {
        var random = new Random(32);
        var index = new PartitionedVectorIndex(migrationThreshold: 100);
        var vectors = Enumerable.Range(0, 101).Select(_ => VectorSamples.Unit(random, Dimensions)).ToList();
        for (var i = 0; i < 100; i++)
        {
            index.Add("p", "k" + i, vectors[i]);
        }

        Assert.IsType<FlatVectorIndex>(index.IndexOf("p"));

        index.Add("p", "k100", vectors[100]);

        Assert.IsType<HnswVectorIndex>(index.IndexOf("p"));
        Assert.Equal(101, index.Count);
        for (var i = 0; i < vectors.Count; i++)
        {
            Assert.Equal("k" + i, index.Search("p", vectors[i], 1, 0.99f)[0].Key);
        }
    }

    [Fact]
    public void Partitions_migrate_independently()
    {
        var random = new Random(33);
        var index = new PartitionedVectorIndex(migrationThreshold: 10);
        for (var i = 0; i < 11; i++)
        {
            index.Add("big", "k" + i, VectorSamples.Unit(random, Dimensions));
        }

        index.Add("small", "k0", VectorSamples.Unit(random, Dimensions));

        Assert.IsType<HnswVectorIndex>(index.IndexOf("big"));
        Assert.IsType<FlatVectorIndex>(index.IndexOf("small"));
    }

    [Fact]
    public void An_emptied_partition_is_dropped_and_can_come_back()
    {
        var random = new Random(34);
        var index = new PartitionedVectorIndex();
        var vector = VectorSamples.Unit(random, Dimensions);
        index.Add("p", "k", vector);

        Assert.True(index.Remove("p", "k"));

        Assert.Equal(0, index.PartitionCount);
        Assert.Null(index.IndexOf("p"));
        Assert.Empty(index.Search("p", vector, 1, float.NegativeInfinity));
        Assert.False(index.Remove("p", "k"));

        // A new partition may even use another vector length (another embedder).
        index.Add("p", "k", VectorSamples.Unit(random, Dimensions * 2));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Vectors_of_another_length_are_refused_within_a_partition()
    {
        var random = new Random(35);
        var index = new PartitionedVectorIndex();
        index.Add("p", "a", VectorSamples.Unit(random, Dimensions));

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add("p", "b", VectorSamples.Unit(random, Dimensions + 1)));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public async Task Concurrent_adds_to_one_partition_lose_nothing_across_migration()
    {
        var index = new PartitionedVectorIndex(migrationThreshold: 300);
        var vectors = Enumerable.Range(0, 1_000).Select(i => VectorSamples.Unit(new Random(i), Dimensions)).ToList();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = worker; i < vectors.Count; i += 4)
            {
                index.Add("p", "k" + i, vectors[i]);
                _ = index.Search("p", vectors[i], 1, float.NegativeInfinity);
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(1_000, index.Count);
        Assert.Equal(1_000, index.IndexOf("p")!.Count);
        Assert.IsType<HnswVectorIndex>(index.IndexOf("p"));
    }
}
