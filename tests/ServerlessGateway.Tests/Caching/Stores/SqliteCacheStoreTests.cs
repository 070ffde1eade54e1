using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Tests.Caching.Stores;

public sealed class SqliteCacheStoreTests : CacheStoreContract, IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"cache-test-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Entries_outlive_the_store_that_wrote_them()
    {
        await Store.SetAsync(Entry("kept", semantic: true), None);
        await Store.SetAsync(Entry("removed"), None);
        await Store.RemoveAsync(KeyOf("removed"), None);

        var reopened = new SqliteCacheStore(new SqliteDatabase(path), Time);

        AssertSameEntry(Entry("kept", semantic: true), await reopened.GetAsync(KeyOf("kept"), None));
        Assert.Null(await reopened.GetAsync(KeyOf("removed"), None));
        Assert.Equal(1, reopened.Stats.Entries);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.000000000000000000000000001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-1.50")]
    [InlineData("12345.678901234567890123456789")]
    public async Task Costs_round_trip_exactly(string cost)
    {
        var entry = Entry("a") with { CostUsd = decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) };

        await Store.SetAsync(entry, None);

        AssertSameEntry(entry, await Store.GetAsync(entry.Key, None));
    }

    [Fact]
    public async Task Writers_on_two_databases_over_one_file_see_each_others_entries()
    {
        var other = new SqliteCacheStore(new SqliteDatabase(path), Time);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? Store : other).SetAsync(Entry("k" + i), None).AsTask()));

        Assert.Equal(40, other.Stats.Entries);

        // A process learns the keys another wrote at its next purge (it answers misses from memory until then).
        await Store.PurgeExpiredAsync(None);
        AssertSameEntry(Entry("k7"), await Store.GetAsync(KeyOf("k7"), None));
    }

    [Fact]
    public async Task A_batch_is_written_whole_and_a_purge_trims_to_the_bound_dropping_the_oldest()
    {
        var bounded = new SqliteCacheStore(new SqliteDatabase(path), Time, maxEntries: 3);
        var entries = Enumerable.Range(0, 5).Select(i => Entry("b" + i)).ToList();

        await bounded.SetManyAsync(entries, None);
        Assert.Equal(5, bounded.Stats.Entries);
        var removed = await bounded.PurgeExpiredAsync(None);

        Assert.Equal((2, 3L, 2L), (removed, bounded.Stats.Entries, bounded.Stats.Evictions));
        var kept = entries.Skip(2).Select(e => e.Key).ToHashSet();
        foreach (var entry in entries)
        {
            Assert.Equal(kept.Contains(entry.Key), await bounded.GetAsync(entry.Key, None) is not null);
        }
    }

    public void Dispose()
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    protected override ICacheStore CreateStore(TimeProvider time) => new SqliteCacheStore(new SqliteDatabase(path), time);
}
