namespace ServerlessGateway.Accounting.Ledger.Rollups;

/// <summary>
/// Sums records into roll-up rows in memory, in decimal (SQL SUM over text would round through doubles).
/// Each record counts once in its untagged row and once in the row of each of its tags.
/// </summary>
public sealed class RollupAggregator
{
    private readonly Dictionary<(RollupGranularity, DateTimeOffset, SpendDimensions), SpendTotals> rows = [];

    public void Add(RollupGranularity granularity, DateTimeOffset bucketStart, UsageRecord record)
    {
        var totals = SpendTotals.Of(record);
        Add((granularity, bucketStart, SpendDimensions.Of(record)), totals);
        foreach (var (name, value) in record.Tags)
        {
            Add((granularity, bucketStart, SpendDimensions.Of(record, name + "=" + value)), totals);
        }
    }

    public IEnumerable<SpendRollupRow> Rows => rows.Select(r => new SpendRollupRow(r.Key.Item1, r.Key.Item2, r.Key.Item3, r.Value));

    private void Add((RollupGranularity, DateTimeOffset, SpendDimensions) key, SpendTotals totals) =>
        rows[key] = rows.TryGetValue(key, out var sum) ? sum + totals : totals;
}
