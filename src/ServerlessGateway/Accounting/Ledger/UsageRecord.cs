using System.Collections.Frozen;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// What one attempt used and cost. Every attempt — served, failed, refused by a budget, cancelled — makes one;
/// (RequestId, Attempt) identifies it, so writing it twice is harmless.
/// </summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }

    /// <summary>1 for the first deployment tried, 2 for the next…</summary>
    public required int Attempt { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string KeyId { get; init; }

    public string? UserId { get; init; }

    public string? TeamId { get; init; }

    public string? OrganizationId { get; init; }

    /// <summary>The logical model the caller asked for.</summary>
    public required string RequestedModel { get; init; }

    /// <summary>The upstream model actually called (null when no call was made).</summary>
    public string? ServedModel { get; init; }

    public string? Deployment { get; init; }

    public string? Provider { get; init; }

    public TokenUsage Usage { get; init; }

    /// <summary>True when the usage is the gateway's estimate (the provider reported none: a cut stream, a cancel).</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>Exact cost in USD at the price table's prices.</summary>
    public decimal CostUsd { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>Time to the first streamed token, for streams.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>What the cache did: one of Caching.CacheStatuses ("none" when the cache had no part in the request).</summary>
    public string CacheStatus { get; init; } = "none";

    /// <summary>For an answer served from the cache: what the original call cost, i.e. what this one saved.</summary>
    public decimal SavedCostUsd { get; init; }

    /// <summary>HTTP status the attempt ended with (the upstream's, or the gateway's refusal).</summary>
    public int Status { get; init; }

    /// <summary>Error code or reason when the attempt did not succeed.</summary>
    public string? Error { get; init; }

    /// <summary>The request's routing decision trace (as in x-gateway-route) up to this attempt.</summary>
    public string? Route { get; init; }

    /// <summary>The canary/A-B variant the request was assigned ("control" or "canary"), when its model has one.</summary>
    public string? Variant { get; init; }

    public FrozenDictionary<string, string> Tags { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>The budgets this attempt counted against, so the writer can evaluate alert thresholds without lookups.</summary>
    public IReadOnlyList<BudgetCharge> Budgets { get; init; } = [];
}

/// <summary>A budget the record's cost counts against: the scope ("team:t1"), the window id, and the budget size.</summary>
public readonly record struct BudgetCharge(string Scope, string WindowId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, decimal MaxUsd);

/// <summary>Takes usage records off the request path: never blocks, never throws, never silently drops.</summary>
public interface IUsageSink
{
    void Record(UsageRecord record);
}
