using Microsoft.Extensions.Logging.Abstractions;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Configuration;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Accounting.Ledger;

public sealed class SqliteUsageStoreTests
{
    [Fact]
    public async Task Two_databases_on_one_file_writing_the_same_records_at_once_store_each_once_and_count_spend_once()
    {
        var path = LedgerRecords.TempPath(".db");
        var a = new SqliteUsageStore(new SqliteDatabase(path), TimeZoneInfo.Utc);
        var b = new SqliteUsageStore(new SqliteDatabase(path), TimeZoneInfo.Utc);
        var records = LedgerRecords.Many(400, LedgerRecords.TeamBudget);

        // Overlapping batches in different orders from both writers.
        var writes = new List<Task>();
        for (var i = 0; i < records.Count; i += 50)
        {
            writes.Add(a.WriteBatchAsync(records.Skip(i).Take(80).ToList(), CancellationToken.None));
            writes.Add(b.WriteBatchAsync(records.Skip(i).Take(50).Reverse().ToList(), CancellationToken.None));
        }

        await Task.WhenAll(writes);

        var stored = await LedgerRecords.AllAsync(a);
        Assert.Equal(records.Count, stored.Count);
        Assert.Equal(LedgerRecords.CostOf(records), LedgerRecords.CostOf(stored));
        Assert.Equal(LedgerRecords.CostOf(records), await b.GetSpendAsync("team:t1", LedgerRecords.TeamBudget.WindowId, CancellationToken.None));
    }

    [Fact]
    public async Task A_retried_batch_reports_the_same_totals_and_adds_nothing()
    {
        var store = new SqliteUsageStore(new SqliteDatabase(LedgerRecords.TempPath(".db")), TimeZoneInfo.Utc);
        var batch = LedgerRecords.Many(10, LedgerRecords.TeamBudget);

        var first = await store.WriteBatchAsync(batch, CancellationToken.None);
        var again = await store.WriteBatchAsync(batch, CancellationToken.None);

        Assert.Equal(LedgerRecords.CostOf(batch), Assert.Single(first).SpentUsd);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Records_read_back_with_every_field_and_page_newest_first()
    {
        foreach (var store in new IUsageStore[] { new SqliteUsageStore(new SqliteDatabase(LedgerRecords.TempPath(".db")), TimeZoneInfo.Utc), new InMemoryUsageStore(TimeZoneInfo.Utc) })
        {
            var records = Enumerable.Range(0, 25).Select(i => LedgerRecords.Make(i, LedgerRecords.Start.AddMinutes(i / 2), charge: LedgerRecords.TeamBudget, tags: ("app", "a" + (i % 3)))).ToList();
            await store.WriteBatchAsync(records, CancellationToken.None);

            var one = Assert.Single(await store.GetRequestAsync("req-000007", CancellationToken.None));
            Assert.Equal(UsageRecordDocument.From(records[7]), UsageRecordDocument.From(one), new DocumentComparer());

            var pages = new List<UsageRecord>();
            UsageCursor? after = null;
            do
            {
                var page = await store.QueryAsync(new UsageQuery { Limit = 7, After = after, Model = "gpt-x", KeyId = "cfg:test" }, CancellationToken.None);
                pages.AddRange(page.Records);
                after = page.Next;
            }
            while (after is not null);

            Assert.Equal(25, pages.Select(r => r.RequestId).Distinct().Count());
            Assert.Equal(pages.OrderByDescending(r => r.Timestamp).Select(r => r.Timestamp), pages.Select(r => r.Timestamp));
            Assert.Empty((await store.QueryAsync(new UsageQuery { KeyId = "cfg:other" }, CancellationToken.None)).Records);
            Assert.Equal(4, (await store.QueryAsync(new UsageQuery { From = LedgerRecords.Start.AddMinutes(1), To = LedgerRecords.Start.AddMinutes(3) }, CancellationToken.None)).Records.Count);
        }
    }

    [Fact]
    public async Task Two_writers_racing_past_thresholds_send_one_alert_per_scope_window_and_threshold()
    {
        var path = LedgerRecords.TempPath(".db");
        var published = new RecordingAlerts();
        var evaluators = Enumerable.Range(0, 2).Select(_ =>
        {
            var store = new SqliteUsageStore(new SqliteDatabase(path), TimeZoneInfo.Utc);
            return (store, new BudgetAlertEvaluator(store, published, () => new BudgetPolicyOptions(), new ManualTime(LedgerRecords.Start), NullLogger<BudgetAlertEvaluator>.Instance));
        }).ToList();

        // A $0.0001 budget; each record costs about 0.0000001–0.000028 USD: the thresholds are crossed mid-run.
        var budget = LedgerRecords.TeamBudget with { MaxUsd = 0.0001m };
        var records = LedgerRecords.Many(200, budget);
        await Task.WhenAll(evaluators.Select((e, w) => Task.Run(async () =>
        {
            for (var i = 0; i < records.Count; i += 10)
            {
                var totals = await e.store.WriteBatchAsync(records.Skip(i).Take(10).ToList(), CancellationToken.None);
                await e.Item2.EvaluateAsync(totals, CancellationToken.None);
            }
        })));

        var alerts = published.All;
        Assert.Equal(new[] { 0.5m, 0.8m, 0.95m, 1.0m }, alerts.Select(a => a.Threshold).Order());
        Assert.All(alerts, a => Assert.True(a.SpentUsd >= a.Threshold * a.BudgetUsd));
        Assert.All(alerts, a => Assert.Equal(("team:t1", budget.WindowId), (a.Scope, a.WindowId)));
    }

    private sealed class DocumentComparer : IEqualityComparer<UsageRecordDocument>
    {
        private static readonly Dictionary<string, string> NoTags = [];
        private static readonly List<BudgetCharge> NoBudgets = [];

        public bool Equals(UsageRecordDocument? x, UsageRecordDocument? y) =>
            x is not null && y is not null
            && x with { Tags = NoTags, Budgets = NoBudgets } == y with { Tags = NoTags, Budgets = NoBudgets }
            && x.Tags.OrderBy(t => t.Key).SequenceEqual(y.Tags.OrderBy(t => t.Key))
            && x.Budgets.SequenceEqual(y.Budgets);

        public int GetHashCode(UsageRecordDocument obj) => obj.RequestId.GetHashCode(StringComparison.Ordinal);
    }
}
