using System.Security.Cryptography;
using System.Text;
using ServerlessGateway.Accounting;
using ServerlessGateway.Caching;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Caching.Stores;

/// <summary>What every cache store must do; each implementation runs the same tests.</summary>
public abstract class CacheStoreContract
{
    protected static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private ICacheStore? store;

    protected ManualTime Time { get; } = new(Start);

    protected ICacheStore Store => store ??= CreateStore(Time);

    protected static CancellationToken None => TestContext.Current.CancellationToken;

    protected abstract ICacheStore CreateStore(TimeProvider time);

    [Fact]
    public async Task An_entry_reads_back_field_for_field()
    {
        var entry = Entry("a", semantic: true);

        await Store.SetAsync(entry, None);

        AssertSameEntry(entry, await Store.GetAsync(entry.Key, None));
        Assert.Null(await Store.GetAsync(KeyOf("missing"), None));
    }

    [Fact]
    public async Task An_entry_is_gone_from_the_moment_it_expires()
    {
        var entry = Entry("a", ttl: TimeSpan.FromMinutes(5));
        await Store.SetAsync(entry, None);

        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await Store.GetAsync(entry.Key, None));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await Store.GetAsync(entry.Key, None));
    }

    [Fact]
    public async Task A_second_set_under_the_same_key_replaces_the_first()
    {
        await Store.SetAsync(Entry("a", responseBytes: 50), None);
        var second = Entry("a", responseBytes: 70, semantic: true) with { CostUsd = 9.99m };

        await Store.SetAsync(second, None);

        AssertSameEntry(second, await Store.GetAsync(second.Key, None));
        Assert.Equal(1, Store.Stats.Entries);
    }

    [Fact]
    public async Task Remove_says_whether_there_was_an_entry()
    {
        var entry = Entry("a");
        await Store.SetAsync(entry, None);

        Assert.True(await Store.RemoveAsync(entry.Key, None));
        Assert.False(await Store.RemoveAsync(entry.Key, None));
        Assert.Null(await Store.GetAsync(entry.Key, None));
    }

    [Fact]
    public async Task Purge_removes_only_the_expired_entries_and_counts_them()
    {
        await Store.SetAsync(Entry("short-1", ttl: TimeSpan.FromMinutes(1)), None);
        await Store.SetAsync(Entry("short-2", ttl: TimeSpan.FromMinutes(2)), None);
        await Store.SetAsync(Entry("long", ttl: TimeSpan.FromHours(1)), None);
        Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(2, await Store.PurgeExpiredAsync(None));
        Assert.Equal(0, await Store.PurgeExpiredAsync(None));
        Assert.Equal(1, Store.Stats.Entries);
        Assert.NotNull(await Store.GetAsync(KeyOf("long"), None));
    }

    [Fact]
    public async Task Semantic_entries_are_the_unexpired_ones_with_a_vector()
    {
        await Store.SetAsync(Entry("semantic", semantic: true), None);
        await Store.SetAsync(Entry("exact-only"), None);
        await Store.SetAsync(Entry("semantic-expiring", semantic: true, ttl: TimeSpan.FromMinutes(1)), None);
        Time.Advance(TimeSpan.FromMinutes(2));

        var entries = new List<CacheEntry>();
        await foreach (var entry in Store.SemanticEntriesAsync(None))
        {
            entries.Add(entry);
        }

        // The index needs no answers: a store may leave Response empty here.
        var found = Assert.Single(entries);
        var expected = Entry("semantic", semantic: true);
        AssertSameEntry(expected, found.Response.Length == 0 ? found with { Response = expected.Response } : found);
    }

    [Fact]
    public async Task Stats_count_the_entries_and_their_bytes()
    {
        Assert.Equal(new CacheStoreStats(0, 0, 0), Store.Stats);

        await Store.SetAsync(Entry("a", responseBytes: 1000), None);
        await Store.SetAsync(Entry("b", responseBytes: 2000, semantic: true), None);

        var stats = Store.Stats;
        Assert.Equal(2, stats.Entries);
        Assert.InRange(stats.Bytes, 3000 + (4 * 4), 3000 + 4096);
    }

    /// <summary>An entry whose every field is set (the semantic ones when <paramref name="semantic"/>); the same name gives the same entry.</summary>
    public static CacheEntry Entry(string name, TimeSpan? ttl = null, bool semantic = false, int responseBytes = 100) => new()
    {
        Key = KeyOf(name),
        Partition = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("partition")))[..32],
        Response = Enumerable.Range(0, responseBytes).Select(i => (byte)(i + name.Length)).ToArray(),
        CreatedAt = Start,
        ExpiresAt = Start + (ttl ?? TimeSpan.FromHours(1)),
        Usage = new TokenUsage(120, 45, 100, 7, 30),
        CostUsd = 0.0001234567890123456789m,
        SemanticPartition = semantic ? "semantic-" + name : null,
        SemanticText = semantic ? "What is the capital of France? é😀 " + name : null,
        Vector = semantic ? [0.5f, -0.25f, float.Epsilon, -0f] : null,
    };

    public static string KeyOf(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    public static void AssertSameEntry(CacheEntry expected, CacheEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Key, expected.Partition, expected.CreatedAt, expected.ExpiresAt, expected.Usage, expected.CostUsd, expected.SemanticPartition, expected.SemanticText),
            (actual.Key, actual.Partition, actual.CreatedAt, actual.ExpiresAt, actual.Usage, actual.CostUsd, actual.SemanticPartition, actual.SemanticText));
        Assert.Equal(expected.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture), actual.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Response, actual.Response);

        // Bit for bit: -0 and the smallest subnormal must survive too.
        Assert.Equal(expected.Vector?.Select(BitConverter.SingleToInt32Bits), actual.Vector?.Select(BitConverter.SingleToInt32Bits));
    }
}
