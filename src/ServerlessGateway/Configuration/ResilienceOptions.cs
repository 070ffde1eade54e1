namespace ServerlessGateway.Configuration;

/// <summary>Gateway:Resilience — how deployments are protected and failed over, for every model unless it overrides.</summary>
public sealed class ResilienceOptions
{
    public BreakerOptions Breaker { get; set; } = new();

    public RetryOptions Retry { get; set; } = new();

    public QueueOptions Queue { get; set; } = new();

    /// <summary>Logical models tried, in order, after a model's own deployments and fallbacks are exhausted.</summary>
    public List<string> DefaultFallbacks { get; set; } = [];

    /// <summary>The whole request (every attempt, retry wait and queue wait) ends by this deadline.</summary>
    public double RequestDeadlineSeconds { get; set; } = 600;

    /// <summary>How long a 429 without Retry-After keeps a deployment out of rotation (0: only a stated Retry-After does).</summary>
    public double RateLimitCooldownSeconds { get; set; }
}

/// <summary>A circuit breaker per deployment: open after consecutive failures or a failure ratio over a window.</summary>
public sealed class BreakerOptions
{
    /// <summary>False turns off every health-based skip: open breakers and the cool-down after a 429.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Opens after this many failures in a row (fast reaction on a quiet deployment).</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Opens when this share of the window's calls failed (reaction on a busy, partly failing deployment)...</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>...once the window holds at least this many calls (a ratio of 2 calls means nothing).</summary>
    public int MinimumThroughput { get; set; } = 20;

    public double WindowSeconds { get; set; } = 30;

    /// <summary>First open period; each failed half-open probe doubles it, up to <see cref="MaxOpenSeconds"/>.</summary>
    public double OpenSeconds { get; set; } = 15;

    public double MaxOpenSeconds { get; set; } = 300;
}

/// <summary>
/// Retries of the same deployment, used when no other candidate is left to fail over to. Defaults are modest on
/// purpose: the OpenAI SDKs retry 429s and 5xx themselves, and retries stacked at two layers multiply the wait.
/// </summary>
public sealed class RetryOptions
{
    public int MaxRetries { get; set; } = 1;

    /// <summary>Exponential backoff base (with jitter): 200 ms, 400 ms, 800 ms …</summary>
    public int BaseDelayMs { get; set; } = 200;

    public int MaxDelayMs { get; set; } = 5000;

    /// <summary>A Retry-After up to this long is waited out; a longer one moves on (and keeps the deployment out until it passes).</summary>
    public double MaxRetryAfterSeconds { get; set; } = 1;
}

/// <summary>Waiting for capacity when every candidate is busy, cooling down or open, instead of failing at once.</summary>
public sealed class QueueOptions
{
    /// <summary>0 turns queueing off (fail at once).</summary>
    public int MaxWaitMs { get; set; } = 2000;

    /// <summary>Waiters beyond this are refused at once (the queue is memory too).</summary>
    public int MaxWaiters { get; set; } = 1000;
}

/// <summary>Gateway:Models:&lt;name&gt; routing settings (beside its Deployments).</summary>
public sealed class HedgeOptions
{
    /// <summary>Start the next candidate when the first has not answered after this long...</summary>
    public int? AfterMs { get; set; }

    /// <summary>...or after this percentile of the deployment's recent time to first token (e.g. 95).</summary>
    public int? AfterPercentile { get; set; }
}

/// <summary>The routing strategies a model can name.</summary>
public static class RoutingStrategyNames
{
    /// <summary>Deployments in the order written (within priority groups). The default: predictable failover.</summary>
    public const string Ordered = "ordered";
    public const string Weighted = "weighted";
    public const string LowestLatency = "lowest-latency";
    public const string LeastBusy = "least-busy";
    public const string LowestCost = "lowest-cost";
    public const string UsageHeadroom = "usage-headroom";

    public static readonly IReadOnlyList<string> All = [Ordered, Weighted, LowestLatency, LeastBusy, LowestCost, UsageHeadroom];
}
