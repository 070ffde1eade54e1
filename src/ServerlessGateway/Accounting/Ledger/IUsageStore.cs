using System.Globalization;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// The usage ledger's storage: records (idempotent by request id and attempt), spend per budget window, and the
/// marks that deduplicate budget alerts. SQLite and in-memory here; Cosmos DB in the Azure issue.
/// </summary>
public interface IUsageStore
{
    /// <summary>
    /// Stores the batch in one transaction. A record already stored (same request id and attempt) is ignored; only
    /// records actually inserted add their cost to the spend of each budget window they charge. Returns the spend
    /// after the batch of every (scope, window) the batch's records charge — inserted or not, so a retried batch
    /// still evaluates its alerts.
    /// </summary>
    Task<IReadOnlyList<BudgetSpend>> WriteBatchAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Records that an alert was sent; false when it already was (by this process or any other, ever).</summary>
    Task<bool> TryMarkAlertAsync(string alertId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The stored spend of a budget window (0 when nothing was charged).</summary>
    Task<decimal> GetSpendAsync(string scope, string windowId, CancellationToken cancellationToken);

    /// <summary>Every attempt of one request, by attempt.</summary>
    Task<IReadOnlyList<UsageRecord>> GetRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Records matching the query, newest first, one page.</summary>
    Task<UsagePage> QueryAsync(UsageQuery query, CancellationToken cancellationToken);
}

/// <summary>The spend of one budget window after a batch.</summary>
public sealed record BudgetSpend(string Scope, string WindowId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, decimal MaxUsd, decimal SpentUsd);

/// <summary>Filters for the usage report; null means any. Model matches the served or the requested model.</summary>
public sealed record UsageQuery
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? KeyId { get; init; }

    public string? UserId { get; init; }

    public string? TeamId { get; init; }

    public string? OrganizationId { get; init; }

    public string? Model { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Continue after this position (from the previous page's <see cref="UsagePage.Next"/>).</summary>
    public UsageCursor? After { get; init; }

    public bool Matches(UsageRecord record) =>
        (From is not { } from || record.Timestamp >= from)
        && (To is not { } to || record.Timestamp < to)
        && (KeyId is null || record.KeyId == KeyId)
        && (UserId is null || record.UserId == UserId)
        && (TeamId is null || record.TeamId == TeamId)
        && (OrganizationId is null || record.OrganizationId == OrganizationId)
        && (Model is null || record.ServedModel == Model || record.RequestedModel == Model);
}

public sealed record UsagePage(IReadOnlyList<UsageRecord> Records, UsageCursor? Next);

/// <summary>A position in newest-first order: the timestamp (Unix ms) and the store's sequence number as a tie-break.</summary>
public readonly record struct UsageCursor(long TimestampMs, long Sequence)
{
    public bool IsAfter(long timestampMs, long sequence) =>
        timestampMs < TimestampMs || (timestampMs == TimestampMs && sequence < Sequence);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TimestampMs}.{Sequence}");

    public static bool TryParse(string? text, out UsageCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        cursor = new UsageCursor(ms, sequence);
        return true;
    }
}
