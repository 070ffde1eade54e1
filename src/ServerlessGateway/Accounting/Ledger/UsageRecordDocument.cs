using System.Collections.Frozen;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// A usage record as JSON (snake_case): the spill file's lines and the admin usage report's rows. Separate from
/// <see cref="UsageRecord"/> because the record's frozen collections cannot be deserialised.
/// </summary>
public sealed record UsageRecordDocument
{
    public required string RequestId { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string KeyId { get; init; }

    public string? UserId { get; init; }

    public string? TeamId { get; init; }

    public string? OrganizationId { get; init; }

    public required string RequestedModel { get; init; }

    public string? ServedModel { get; init; }

    public string? Deployment { get; init; }

    public string? Provider { get; init; }

    public long InputTokens { get; init; }

    public long CachedInputTokens { get; init; }

    public long CacheWriteTokens { get; init; }

    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }

    public bool UsageEstimated { get; init; }

    public decimal CostUsd { get; init; }

    public double LatencyMs { get; init; }

    public double? TimeToFirstTokenMs { get; init; }

    public string CacheStatus { get; init; } = "none";

    public int Status { get; init; }

    public string? Error { get; init; }

    public string? Route { get; init; }

    public string? Variant { get; init; }

    public decimal SavedCostUsd { get; init; }

    public Dictionary<string, string> Tags { get; init; } = [];

    public List<BudgetCharge> Budgets { get; init; } = [];

    public static UsageRecordDocument From(UsageRecord record) => new()
    {
        RequestId = record.RequestId,
        Attempt = record.Attempt,
        Timestamp = record.Timestamp,
        KeyId = record.KeyId,
        UserId = record.UserId,
        TeamId = record.TeamId,
        OrganizationId = record.OrganizationId,
        RequestedModel = record.RequestedModel,
        ServedModel = record.ServedModel,
        Deployment = record.Deployment,
        Provider = record.Provider,
        InputTokens = record.Usage.InputTokens,
        CachedInputTokens = record.Usage.CachedInputTokens,
        CacheWriteTokens = record.Usage.CacheWriteTokens,
        OutputTokens = record.Usage.OutputTokens,
        ReasoningTokens = record.Usage.ReasoningTokens,
        UsageEstimated = record.UsageEstimated,
        CostUsd = record.CostUsd,
        LatencyMs = record.LatencyMs,
        TimeToFirstTokenMs = record.TimeToFirstTokenMs,
        CacheStatus = record.CacheStatus,
        Status = record.Status,
        Error = record.Error,
        Route = record.Route,
        Variant = record.Variant,
        SavedCostUsd = record.SavedCostUsd,
        Tags = new Dictionary<string, string>(record.Tags, StringComparer.Ordinal),
        Budgets = [.. record.Budgets],
    };

    public UsageRecord ToRecord() => new()
    {
        RequestId = RequestId,
        Attempt = Attempt,
        Timestamp = Timestamp,
        KeyId = KeyId,
        UserId = UserId,
        TeamId = TeamId,
        OrganizationId = OrganizationId,
        RequestedModel = RequestedModel,
        ServedModel = ServedModel,
        Deployment = Deployment,
        Provider = Provider,
        Usage = new TokenUsage(InputTokens, OutputTokens, CachedInputTokens, CacheWriteTokens, ReasoningTokens),
        UsageEstimated = UsageEstimated,
        CostUsd = CostUsd,
        LatencyMs = LatencyMs,
        TimeToFirstTokenMs = TimeToFirstTokenMs,
        CacheStatus = CacheStatus,
        Status = Status,
        Error = Error,
        Route = Route,
        Variant = Variant,
        SavedCostUsd = SavedCostUsd,
        Tags = (Tags ?? []).ToFrozenDictionary(StringComparer.Ordinal),
        Budgets = Budgets ?? [],
    };
}
