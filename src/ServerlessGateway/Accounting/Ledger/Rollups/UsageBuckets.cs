using ServerlessGateway.Budgets;

namespace ServerlessGateway.Accounting.Ledger.Rollups;

/// <summary>The roll-up buckets a record falls in: its UTC hour, and its calendar day in the configured zone.</summary>
public static class UsageBuckets
{
    public static DateTimeOffset HourStart(DateTimeOffset timestamp)
    {
        var utc = timestamp.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The UTC instant the record's local day began (DST-safe, as budget windows are).</summary>
    public static DateTimeOffset DayStart(DateTimeOffset timestamp, TimeZoneInfo zone) =>
        BudgetPeriod.StartOfDay(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timestamp, zone).DateTime), zone);

    public static DateTimeOffset Start(RollupGranularity granularity, DateTimeOffset timestamp, TimeZoneInfo zone) =>
        granularity == RollupGranularity.Hour ? HourStart(timestamp) : DayStart(timestamp, zone);
}
