using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Caching;

namespace ServerlessGateway.Governance;

/// <summary>The cache's part in a request's governance: the status every record carries, and an answer served from the cache.</summary>
public sealed partial class GovernedRequest
{
    private decimal savedCost;

    /// <summary>What the cache did for this request (<see cref="CacheStatuses"/>), recorded with every attempt.</summary>
    public string CacheStatus { get; set; } = CacheStatuses.None;

    /// <summary>
    /// Called when an answer completes, before its record is written, with the real usage and cost: the cache stores
    /// the answer then, and returns the status to record (a shadow lookup's verdict is known only now).
    /// </summary>
    public Func<TokenUsage, decimal, string>? CacheSettle { get; set; }

    /// <summary>The cache fails open: nothing it does may cost the request its usage record.</summary>
    private string CacheSettleSafely(Func<TokenUsage, decimal, string> settle, TokenUsage usage, decimal cost)
    {
        try
        {
            return settle(usage, cost);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return CacheStatus;
        }
    }

    /// <summary>
    /// The answer came from the cache: no upstream call, nothing spent. The request still counted against the request
    /// limits at admission; its admitted tokens go back. The record says what the original call cost (saved).
    /// </summary>
    public void ServedFromCache(CacheHit hit)
    {
        Cost = 0;
        savedCost = hit.Entry.CostUsd;
        CacheStatus = hit.Status;
        admission?.SettleTokens(0);
        Record(1, null, default, 0, estimated: false, StatusCodes.Status200OK, error: null);
    }
}
