using ServerlessGateway.Accounting.Ledger;

namespace ServerlessGateway.Endpoints.Admin.Reports;

/// <summary>GET /admin/spend: rows grouped by the requested dimensions (in "group"), per bucket unless granularity is total.</summary>
public sealed record SpendReport(string Object, DateTimeOffset From, DateTimeOffset To, string Granularity, IReadOnlyList<string> GroupBy, IReadOnlyList<SpendReportRow> Data);

public sealed record SpendReportRow(
    IReadOnlyDictionary<string, string?> Group,
    DateTimeOffset? BucketStart,
    long Requests,
    long InputTokens,
    long CachedInputTokens,
    long CacheWriteTokens,
    long OutputTokens,
    long ReasoningTokens,
    decimal CostUsd);

/// <summary>GET /admin/usage: one page of records, newest first; pass next_cursor as cursor for the next page.</summary>
public sealed record UsageReport(string Object, IReadOnlyList<UsageRecordDocument> Data, bool HasMore, string? NextCursor);

/// <summary>GET /admin/requests/{id}: every attempt of one request.</summary>
public sealed record RequestReport(string Object, string RequestId, IReadOnlyList<UsageRecordDocument> Data);
