using System.Collections.Frozen;

namespace ServerlessGateway.Limits;

/// <summary>Per-minute request and token limits and a cap on requests in flight; null means unlimited.</summary>
public sealed record RateLimits(int? RequestsPerMinute, long? TokensPerMinute, int? MaxParallel)
{
    public static readonly RateLimits None = new(null, null, null);

    public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null && MaxParallel is null;
}

/// <summary>The limits of one scope: for all its traffic, and for its traffic to each named (logical) model.</summary>
public sealed record LimitSpec(RateLimits All, FrozenDictionary<string, RateLimits> PerModel)
{
    public static readonly LimitSpec None = new(RateLimits.None, FrozenDictionary<string, RateLimits>.Empty);

    public bool IsEmpty => All.IsEmpty && PerModel.Count == 0;

    /// <summary>Whether traffic to <paramref name="model"/> is under a tokens-per-minute limit here (so its prompt must be counted).</summary>
    public bool LimitsTokens(string model) =>
        All.TokensPerMinute is not null || (PerModel.TryGetValue(model, out var perModel) && perModel.TokensPerMinute is not null);
}
