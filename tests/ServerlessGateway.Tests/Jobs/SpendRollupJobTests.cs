using Microsoft.Extensions.Logging.Abstractions;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Ledger.Rollups;
using ServerlessGateway.Jobs;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Accounting.Ledger;

namespace ServerlessGateway.Tests.Jobs;

public sealed class SpendRollupJobTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTimeOffset Evening = new(2026, 3, 10, 22, 30, 0, TimeSpan.Zero); // 23:30 in Berlin

    // Across a UTC hour boundary, a Berlin midnight (23:00 UTC) and a UTC midnight; two keys, two models, a tag.
    private static readonly UsageRecord[] FirstRecords =
    [
        LedgerRecords.Make(0, Evening, key: "A", model: "m1", tags: ("app", "x")),
        LedgerRecords.Make(1, Evening.AddMinutes(15), key: "A", model: "m2"),
        LedgerRecords.Make(2, Evening.AddMinutes(40), key: "B", model: "m1", tags: ("app", "x")),
    ];

    private static readonly UsageRecord[] LaterRecords =
    [
        LedgerRecords.Make(3, Evening.AddMinutes(95), key: "A", model: "m1", tags: ("app", "y")),
        LedgerRecords.Make(4, Evening.AddMinutes(5), key: "A", model: "m1"), // late arrival into an old bucket
    ];

    public static TheoryData<string> Stores => new() { "sqlite", "memory" };

    private static (IUsageStore, ISpendRollupStore) NewStore(string kind, string? path = null)
    {
        IUsageStore store = kind == "sqlite" ? new SqliteUsageStore(new SqliteDatabase(path ?? LedgerRecords.TempPath(".db")), Berlin) : new InMemoryUsageStore(Berlin);
        return (store, (ISpendRollupStore)store);
    }

    private static SpendRollupJob Job(ISpendRollupStore store) => new(store, NullLogger<SpendRollupJob>.Instance);

    /// <summary>What the untagged (or tag) rows must hold, computed straight from the records.</summary>
    private static List<(DateTimeOffset, string, string, string, long, decimal)> Expected(IEnumerable<UsageRecord> records, RollupGranularity granularity, bool byTag) =>
        [.. records
            .SelectMany(r => byTag ? r.Tags.Select(t => (r, Tag: t.Key + "=" + t.Value)) : [(r, Tag: "")])
            .GroupBy(x => (UsageBuckets.Start(granularity, x.r.Timestamp, Berlin), x.Tag, x.r.KeyId, x.r.ServedModel!))
            .Select(g => (g.Key.Item1, g.Key.Tag, g.Key.KeyId, g.Key.Item4, (long)g.Count(), g.Sum(x => x.r.CostUsd)))
            .Order()];

    private static async Task<List<(DateTimeOffset, string, string, string, long, decimal)>> ActualAsync(ISpendRollupStore store, RollupGranularity granularity, bool byTag)
    {
        var rows = await store.ReadRollupsAsync(new SpendRollupQuery(granularity, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddDays(-1), byTag), CancellationToken.None);
        return [.. rows.Select(r => (r.BucketStart, r.Dimensions.Tag, r.Dimensions.KeyId, r.Dimensions.Model, r.Totals.Requests, r.Totals.CostUsd)).Order()];
    }

    private static async Task AssertRollupsMatchAsync(ISpendRollupStore store, IEnumerable<UsageRecord> records)
    {
        foreach (var granularity in new[] { RollupGranularity.Hour, RollupGranularity.Day })
        {
            foreach (var byTag in new[] { false, true })
            {
                Assert.Equal(Expected(records, granularity, byTag), await ActualAsync(store, granularity, byTag));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Roll_ups_split_at_utc_hours_and_local_midnight_and_stay_exact_through_late_records_and_reruns(string kind)
    {
        var (store, rollups) = NewStore(kind);
        await store.WriteBatchAsync(FirstRecords, CancellationToken.None);
        var first = await Job(rollups).RunAsync(CancellationToken.None);
        Assert.Equal(3, first.NewRecords);
        await AssertRollupsMatchAsync(rollups, FirstRecords);

        // Day buckets start at Berlin midnight: 2026-03-09T23:00Z and 2026-03-10T23:00Z.
        var days = (await ActualAsync(rollups, RollupGranularity.Day, false)).Select(r => r.Item1).Distinct().Order().ToList();
        Assert.Equal([new DateTimeOffset(2026, 3, 9, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero)], days);

        await store.WriteBatchAsync([.. LaterRecords, FirstRecords[0]], CancellationToken.None); // a duplicate too
        var second = await Job(rollups).RunAsync(CancellationToken.None);
        Assert.Equal(2, second.NewRecords);
        await AssertRollupsMatchAsync(rollups, [.. FirstRecords, .. LaterRecords]);

        var before = await ActualAsync(rollups, RollupGranularity.Hour, false);
        var third = await Job(rollups).RunAsync(CancellationToken.None);
        Assert.Equal(0, third.NewRecords);
        Assert.Equal(before, await ActualAsync(rollups, RollupGranularity.Hour, false));
    }

    [Fact]
    public async Task Two_processes_rolling_up_one_sqlite_file_at_once_produce_the_same_table()
    {
        var path = LedgerRecords.TempPath(".db");
        var (store, a) = NewStore("sqlite", path);
        var (_, b) = NewStore("sqlite", path);
        var records = Enumerable.Range(0, 300).Select(i => LedgerRecords.Make(i, Evening.AddMinutes(i), key: "k" + (i % 4), model: "m" + (i % 3), tags: ("app", "a" + (i % 2)))).ToList();

        for (var i = 0; i < records.Count; i += 60)
        {
            await store.WriteBatchAsync(records.Skip(i).Take(60).ToList(), CancellationToken.None);
            await Task.WhenAll(Job(a).RunAsync(CancellationToken.None), Job(b).RunAsync(CancellationToken.None));
        }

        await AssertRollupsMatchAsync(a, records);
        await AssertRollupsMatchAsync(b, records);
    }
}
