using ServerlessGateway.Caching.Stores;

namespace ServerlessGateway.Tests.Caching.Stores;

public sealed class MemoryCacheStoreTests : CacheStoreContract
{
    private bool underPressure;
    private int pressureChecks;

    /// <summary>Every test entry made by <see cref="CacheStoreContract.Entry"/> with the default response size weighs this much.</summary>
    private static long EntrySize => MemoryCacheStore.SizeOf(Entry("a"));

    [Fact]
    public async Task The_least_recently_used_entry_goes_first_and_a_read_counts_as_use()
    {
        var lru = Bounded(3 * EntrySize);
        await lru.SetAsync(Entry("a"), None);
        await lru.SetAsync(Entry("b"), None);
        await lru.SetAsync(Entry("c"), None);

        Assert.NotNull(await lru.GetAsync(KeyOf("a"), None));
        await lru.SetAsync(Entry("d"), None);

        Assert.Null(await lru.GetAsync(KeyOf("b"), None));
        Assert.NotNull(await lru.GetAsync(KeyOf("a"), None));
        Assert.NotNull(await lru.GetAsync(KeyOf("c"), None));
        Assert.NotNull(await lru.GetAsync(KeyOf("d"), None));
        Assert.Equal(new CacheStoreStats(3, 3 * EntrySize, 1), lru.Stats);
    }

    [Fact]
    public async Task Many_inserts_of_any_size_never_hold_more_than_the_bound_and_count_each_eviction()
    {
        const long bound = 64 * 1024;
        var store = Bounded(bound);
        var random = new Random(7);
        var inserted = 0;
        for (var i = 0; i < 2000; i++)
        {
            await store.SetAsync(Entry("k" + random.Next(500), responseBytes: random.Next(0, 8000), semantic: random.Next(2) == 0), None);
            inserted++;
            Assert.InRange(store.Stats.Bytes, 0, bound);
        }

        var stats = store.Stats;
        Assert.True(stats.Evictions > 100, $"only {stats.Evictions} evictions");
        Assert.True(stats.Entries > 5, $"only {stats.Entries} entries kept");
        Assert.True(stats.Entries + stats.Evictions <= inserted);
    }

    [Fact]
    public async Task An_entry_larger_than_the_bound_is_not_kept_and_drops_the_one_it_replaces()
    {
        var store = Bounded(2 * EntrySize);
        await store.SetAsync(Entry("a"), None);

        await store.SetAsync(Entry("a", responseBytes: (int)(3 * EntrySize)), None);

        Assert.Null(await store.GetAsync(KeyOf("a"), None));
        Assert.Equal(new CacheStoreStats(0, 0, 0), store.Stats);
    }

    [Fact]
    public async Task Under_memory_pressure_a_set_evicts_down_to_half_the_bound_checking_at_most_once_a_second()
    {
        var store = Bounded(10 * EntrySize);
        for (var i = 0; i < 10; i++)
        {
            await store.SetAsync(Entry("k" + i), None);
        }

        Assert.Equal(1, pressureChecks);
        underPressure = true;
        await store.SetAsync(Entry("in-the-same-second"), None);
        Assert.Equal((1, 10L), (pressureChecks, store.Stats.Entries));

        Time.Advance(TimeSpan.FromSeconds(1));
        await store.SetAsync(Entry("newest"), None);

        Assert.Equal((2, 5L), (pressureChecks, store.Stats.Entries));
        Assert.NotNull(await store.GetAsync(KeyOf("newest"), None));
        Assert.Null(await store.GetAsync(KeyOf("k5"), None));
    }

    [Fact]
    public async Task An_expired_entry_is_dropped_when_read()
    {
        await Store.SetAsync(Entry("a", ttl: TimeSpan.FromSeconds(1)), None);
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Store.GetAsync(KeyOf("a"), None));
        Assert.Equal(new CacheStoreStats(0, 0, 0), Store.Stats);
    }

    [Fact]
    public void The_bound_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryCacheStore(new MemoryCacheStoreOptions { MaxBytes = 0 }, Time));

    protected override ICacheStore CreateStore(TimeProvider time) => new MemoryCacheStore(new MemoryCacheStoreOptions(), time);

    private MemoryCacheStore Bounded(long maxBytes) => new(
        new MemoryCacheStoreOptions { MaxBytes = maxBytes },
        Time,
        () =>
        {
            pressureChecks++;
            return underPressure;
        });
}
