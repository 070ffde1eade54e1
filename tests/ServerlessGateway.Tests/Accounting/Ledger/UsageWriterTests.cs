using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Tests.Accounting.Ledger;

public sealed class UsageWriterTests
{
    private static SqliteUsageStore NewSqliteStore() => new(new SqliteDatabase(LedgerRecords.TempPath(".db")), TimeZoneInfo.Utc);

    private static async Task AssertStoredExactlyOnceAsync(IUsageStore store, List<UsageRecord> sent)
    {
        var stored = await LedgerRecords.AllAsync(store);
        Assert.Equal(sent.Count, stored.Count);
        Assert.Equal(sent.Select(r => (r.RequestId, r.Attempt)).Order(), stored.Select(r => (r.RequestId, r.Attempt)).Order());
        Assert.Equal(LedgerRecords.CostOf(sent), LedgerRecords.CostOf(stored));
        Assert.Equal(LedgerRecords.CostOf(sent), await store.GetSpendAsync(LedgerRecords.TeamBudget.Scope, LedgerRecords.TeamBudget.WindowId, CancellationToken.None));
    }

    [Fact]
    public async Task Failures_timeouts_slowness_and_crashes_after_commit_lose_nothing_and_count_nothing_twice()
    {
        var store = new FaultyUsageStore(NewSqliteStore());
        store.Inject(StoreFault.Fail, StoreFault.CommitThenFail, StoreFault.Hang, StoreFault.Slow, StoreFault.CommitThenFail, StoreFault.Fail, StoreFault.CommitThenFail);
        await using var rig = await new LedgerRig(store, batchSize: 40).StartAsync();
        var records = LedgerRecords.Many(500, LedgerRecords.TeamBudget);

        foreach (var record in records)
        {
            rig.Buffer.Record(record);
        }

        await LedgerRecords.EventuallyAsync(async () => (await LedgerRecords.AllAsync(store)).Count == records.Count && rig.Stats.QueueDepth == 0, "all records stored");
        await AssertStoredExactlyOnceAsync(store, records);
        Assert.True(rig.Stats.WriteFailuresTotal >= 6, $"expected the injected failures to be retried, saw {rig.Stats.WriteFailuresTotal}");
        Assert.Equal(0, rig.Stats.LostTotal);
    }

    [Fact]
    public async Task A_full_queue_spills_to_disk_within_its_bound_and_everything_is_written_once_when_the_store_recovers()
    {
        var store = new FaultyUsageStore(NewSqliteStore());
        store.Block();
        await using var rig = await new LedgerRig(store, capacity: 20, batchSize: 5).StartAsync();
        var records = LedgerRecords.Many(300, LedgerRecords.TeamBudget);

        foreach (var record in records)
        {
            rig.Buffer.Record(record);
            Assert.True(rig.Buffer.Count <= 20, $"queue holds {rig.Buffer.Count} records, above its capacity of 20");
        }

        // At most one batch in the writer's hands and the queue's capacity stay in memory; the rest is on disk.
        Assert.True(rig.Stats.OverflowTotal >= 300 - 20 - 5, $"overflow counted {rig.Stats.OverflowTotal}");
        await LedgerRecords.EventuallyAsync(() => Task.FromResult(rig.Stats.SpillPending == rig.Stats.OverflowTotal), "overflow appended to the spill file");
        Assert.Equal(rig.Stats.OverflowTotal, File.ReadLines(rig.Spill.Path).Count());

        store.Unblock();
        await LedgerRecords.EventuallyAsync(async () => rig.Stats.SpillPending == 0 && (await LedgerRecords.AllAsync(store)).Count == records.Count, "spill drained");
        await AssertStoredExactlyOnceAsync(store, records);
        Assert.False(File.Exists(rig.Spill.DrainingPath));
        Assert.True(!File.Exists(rig.Spill.Path) || new FileInfo(rig.Spill.Path).Length == 0);
    }

    [Fact]
    public async Task Shutdown_writes_what_is_queued_before_the_flush_interval_ends()
    {
        var store = NewSqliteStore();
        var rig = await new LedgerRig(store, batchSize: 1000, flushMs: 60_000).StartAsync();
        var records = LedgerRecords.Many(50, LedgerRecords.TeamBudget);
        foreach (var record in records)
        {
            rig.Buffer.Record(record);
        }

        await rig.DisposeAsync();

        await AssertStoredExactlyOnceAsync(store, records);
        Assert.Equal(0, rig.Stats.SpillPending);
    }

    [Fact]
    public async Task Shutdown_with_a_dead_store_spills_the_queue_and_the_next_start_writes_it()
    {
        var spill = LedgerRecords.TempPath(".jsonl");
        var store = new FaultyUsageStore(NewSqliteStore());
        store.Block();
        var records = LedgerRecords.Many(60, LedgerRecords.TeamBudget);
        var first = await new LedgerRig(store, batchSize: 25, spillPath: spill, shutdownFlush: TimeSpan.FromMilliseconds(300)).StartAsync();
        foreach (var record in records)
        {
            first.Buffer.Record(record);
        }

        await first.DisposeAsync();
        Assert.Equal(records.Count, File.ReadLines(spill).Count());
        first.Buffer.Record(LedgerRecords.Make(1000, charge: LedgerRecords.TeamBudget)); // after shutdown: straight to the spill file
        records.Add(LedgerRecords.Make(1000, charge: LedgerRecords.TeamBudget));

        store.Unblock();
        await using var second = await new LedgerRig(store, spillPath: spill).StartAsync();
        Assert.Equal(records.Count, second.Stats.SpillPending);
        await LedgerRecords.EventuallyAsync(async () => second.Stats.SpillPending == 0 && (await LedgerRecords.AllAsync(store)).Count == records.Count, "spill from the previous run drained");
        await AssertStoredExactlyOnceAsync(store, records);
    }

    [Fact]
    public async Task A_crash_between_writing_the_spill_and_deleting_it_only_repeats_records_the_store_ignores()
    {
        var spill = LedgerRecords.TempPath(".jsonl");
        var store = NewSqliteStore();
        var records = LedgerRecords.Many(30, LedgerRecords.TeamBudget);
        await store.WriteBatchAsync(records, CancellationToken.None);

        // As if a previous run wrote these records from its spill file, then died before deleting it.
        var leftover = new UsageSpillFile(spill, new LedgerStats());
        leftover.Append(records);
        Assert.True(leftover.TryBeginDrain());

        await using var rig = await new LedgerRig(store, spillPath: spill).StartAsync();
        await LedgerRecords.EventuallyAsync(() => Task.FromResult(rig.Stats.SpillPending == 0 && !File.Exists(rig.Spill.DrainingPath)), "leftover drained");
        await AssertStoredExactlyOnceAsync(store, records);
    }
}
