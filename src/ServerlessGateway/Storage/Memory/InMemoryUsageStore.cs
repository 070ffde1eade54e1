using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Ledger.Rollups;

namespace ServerlessGateway.Storage.Memory;

/// <summary>The usage ledger in one process's memory (Storage:Kind "memory"): same rules as SQLite, lost on exit.</summary>
public sealed class InMemoryUsageStore(TimeZoneInfo zone) : IUsageStore, ISpendRollupStore
{
    private readonly Lock gate = new();
    private readonly List<(long Sequence, UsageRecord Record)> stored = [];
    private readonly HashSet<(string, int)> ids = [];
    private readonly Dictionary<(string Scope, string WindowId), decimal> spend = [];
    private readonly HashSet<string> alerts = new(StringComparer.Ordinal);
    private readonly Dictionary<(RollupGranularity, DateTimeOffset, SpendDimensions), SpendRollupRow> rollups = [];
    private long watermark;

    public Task<IReadOnlyList<BudgetSpend>> WriteBatchAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var touched = new Dictionary<(string, string), BudgetCharge>();
        lock (gate)
        {
            foreach (var record in records)
            {
                var inserted = ids.Add((record.RequestId, record.Attempt));
                if (inserted)
                {
                    stored.Add((stored.Count + 1, record));
                }

                foreach (var charge in record.Budgets)
                {
                    touched[(charge.Scope, charge.WindowId)] = charge;
                    if (inserted)
                    {
                        spend[(charge.Scope, charge.WindowId)] = spend.GetValueOrDefault((charge.Scope, charge.WindowId)) + record.CostUsd;
                    }
                }
            }

            IReadOnlyList<BudgetSpend> totals = [.. touched.Values.Select(c =>
                new BudgetSpend(c.Scope, c.WindowId, c.WindowStart, c.WindowEnd, c.MaxUsd, spend.GetValueOrDefault((c.Scope, c.WindowId))))];
            return Task.FromResult(totals);
        }
    }

    public Task<bool> TryMarkAlertAsync(string alertId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(alerts.Add(alertId));
        }
    }

    public Task<decimal> GetSpendAsync(string scope, string windowId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(spend.GetValueOrDefault((scope, windowId)));
        }
    }

    public Task<IReadOnlyList<UsageRecord>> GetRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<UsageRecord> found = [.. stored.Select(r => r.Record).Where(r => r.RequestId == requestId).OrderBy(r => r.Attempt)];
            return Task.FromResult(found);
        }
    }

    public Task<UsagePage> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var page = stored
                .Where(r => query.Matches(r.Record) && (query.After is not { } after || after.IsAfter(r.Record.Timestamp.ToUnixTimeMilliseconds(), r.Sequence)))
                .OrderByDescending(r => r.Record.Timestamp.ToUnixTimeMilliseconds())
                .ThenByDescending(r => r.Sequence)
                .Take(query.Limit + 1)
                .ToList();
            return Task.FromResult(Page(page, query.Limit));
        }
    }

    /// <summary>Folds the records past the watermark into the roll-up rows (see the SQLite store: the same arithmetic).</summary>
    public Task<RollupResult> RollUpAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var fresh = stored.Skip((int)watermark).Select(r => r.Record).ToList();
            var aggregator = new RollupAggregator();
            foreach (var record in fresh)
            {
                aggregator.Add(RollupGranularity.Hour, UsageBuckets.HourStart(record.Timestamp), record);
                aggregator.Add(RollupGranularity.Day, UsageBuckets.DayStart(record.Timestamp, zone), record);
            }

            var rows = aggregator.Rows.ToList();
            foreach (var row in rows)
            {
                var key = (row.Granularity, row.BucketStart, row.Dimensions);
                rollups[key] = rollups.TryGetValue(key, out var sum) ? row with { Totals = sum.Totals + row.Totals } : row;
            }

            watermark = stored.Count;
            var hours = fresh.Select(r => UsageBuckets.HourStart(r.Timestamp)).Distinct().Count();
            var days = fresh.Select(r => UsageBuckets.DayStart(r.Timestamp, zone)).Distinct().Count();
            return Task.FromResult(new RollupResult(watermark, fresh.Count, hours, days, rows.Count));
        }
    }

    public Task<IReadOnlyList<SpendRollupRow>> ReadRollupsAsync(SpendRollupQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<SpendRollupRow> rows = [.. rollups.Values.Where(r =>
                r.Granularity == query.Granularity && r.BucketStart >= query.From && r.BucketStart < query.To && (r.Dimensions.Tag.Length > 0) == query.ByTag)];
            return Task.FromResult(rows);
        }
    }

    private static UsagePage Page(List<(long Sequence, UsageRecord Record)> rows, int limit)
    {
        var more = rows.Count > limit;
        var shown = rows.Take(limit).ToList();
        var next = more ? new UsageCursor(shown[^1].Record.Timestamp.ToUnixTimeMilliseconds(), shown[^1].Sequence) : (UsageCursor?)null;
        return new UsagePage([.. shown.Select(r => r.Record)], next);
    }
}
