namespace ServerlessGateway.Accounting.Ledger.Rollups;

/// <summary>
/// Spend roll-ups: usage records summed per bucket (UTC hour, or day in the configured zone) and per combination of
/// key, user, team, organisation, served and requested model — plus one row per tag ("name=value") — so a report can
/// group by any subset of those dimensions without reading records.
/// </summary>
public interface ISpendRollupStore
{
    /// <summary>
    /// Adds the records stored since the watermark to their hour and day rows and moves the watermark past them, in
    /// one transaction per chunk: each record is counted exactly once however often, or from however many processes,
    /// the job runs.
    /// </summary>
    Task<RollupResult> RollUpAsync(CancellationToken cancellationToken);

    /// <summary>Roll-up rows of one granularity whose bucket starts in [From, To): tag rows when <c>ByTag</c>, else the untagged rows.</summary>
    Task<IReadOnlyList<SpendRollupRow>> ReadRollupsAsync(SpendRollupQuery query, CancellationToken cancellationToken);
}

public enum RollupGranularity
{
    Hour,
    Day,
}

/// <summary>What one roll-up row is for; "" where a record had no value (no user, no served model, no tag).</summary>
public readonly record struct SpendDimensions(string Tag, string KeyId, string UserId, string TeamId, string OrganizationId, string Model, string RequestedModel)
{
    public static SpendDimensions Of(UsageRecord record, string tag = "") => new(
        tag, record.KeyId, record.UserId ?? "", record.TeamId ?? "", record.OrganizationId ?? "", record.ServedModel ?? "", record.RequestedModel);
}

/// <summary>Requests, tokens by kind and exact cost, summed.</summary>
public readonly record struct SpendTotals(long Requests, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens, long ReasoningTokens, decimal CostUsd)
{
    public static SpendTotals Of(UsageRecord record) => new(
        1, record.Usage.InputTokens, record.Usage.CachedInputTokens, record.Usage.CacheWriteTokens, record.Usage.OutputTokens, record.Usage.ReasoningTokens, record.CostUsd);

    public static SpendTotals operator +(SpendTotals a, SpendTotals b) => new(
        a.Requests + b.Requests,
        a.InputTokens + b.InputTokens,
        a.CachedInputTokens + b.CachedInputTokens,
        a.CacheWriteTokens + b.CacheWriteTokens,
        a.OutputTokens + b.OutputTokens,
        a.ReasoningTokens + b.ReasoningTokens,
        a.CostUsd + b.CostUsd);

}

public sealed record SpendRollupRow(RollupGranularity Granularity, DateTimeOffset BucketStart, SpendDimensions Dimensions, SpendTotals Totals);

public sealed record SpendRollupQuery(RollupGranularity Granularity, DateTimeOffset From, DateTimeOffset To, bool ByTag);

/// <summary>What a roll-up run did: the watermark it reached and how much it added.</summary>
public sealed record RollupResult(long Watermark, long NewRecords, int HourBuckets, int DayBuckets, int Rows);
