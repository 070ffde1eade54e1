using ServerlessGateway.Configuration;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Routing.Health;

/// <summary>
/// What the gateway knows about one deployment right now, shared by all requests: calls in flight, speed, its
/// circuit breaker, a cool-down after a 429 (until its Retry-After passes), and its remaining quota — what the
/// provider's x-ratelimit-remaining headers last said and what its own configured RPM/TPM leave this minute.
/// </summary>
public sealed class DeploymentHealth(string name, BreakerOptions breaker, TimeProvider time)
{
    private readonly Lock gate = new();
    private int inFlight;
    private DateTimeOffset coolUntil;
    private long? hintRequests;
    private long? hintTokens;
    private long? hintRequestsLimit;
    private long? hintTokensLimit;
    private long hintsUntilTicks;
    private long minute;
    private long minuteRequests;
    private long minuteTokens;

    public string Name { get; } = name;

    public CircuitBreaker Breaker { get; } = new(breaker, time);

    public LatencyStats Latency { get; } = new();

    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Until when the provider's last reported quota holds.</summary>
    private DateTimeOffset HintsUntil => new(Volatile.Read(ref hintsUntilTicks), TimeSpan.Zero);

    /// <summary>Raised when a call ends (capacity may have freed up for a queued request).</summary>
    public event Action? Released;

    public DateTimeOffset CoolingUntil
    {
        get
        {
            lock (gate)
            {
                return coolUntil;
            }
        }
    }

    public bool IsCooling => time.GetUtcNow() < CoolingUntil;

    public void Begin() => Interlocked.Increment(ref inFlight);

    public void End()
    {
        Interlocked.Decrement(ref inFlight);
        Released?.Invoke();
    }

    /// <summary>Keeps the deployment out of rotation for <paramref name="period"/> (a 429's Retry-After).</summary>
    public void CoolDown(TimeSpan period)
    {
        if (!breaker.Enabled)
        {
            return; // health-based skipping is off altogether
        }

        var until = time.GetUtcNow() + period;
        lock (gate)
        {
            if (until > coolUntil)
            {
                coolUntil = until;
            }
        }
    }

    /// <summary>Remaining quota as the provider reported it (x-ratelimit-*); it holds until the reported reset (at most a minute).</summary>
    public void ReportQuota(ProviderRateHints? hints)
    {
        if (hints is null || (hints.RequestsRemaining is null && hints.TokensRemaining is null))
        {
            return;
        }

        var reset = Shorter(hints.RequestsReset, hints.TokensReset) ?? TimeSpan.FromMinutes(1);
        lock (gate)
        {
            hintRequests = hints.RequestsRemaining;
            hintTokens = hints.TokensRemaining;
            hintRequestsLimit = hints.RequestsLimit;
            hintTokensLimit = hints.TokensLimit;
            Volatile.Write(ref hintsUntilTicks, (time.GetUtcNow() + (reset < TimeSpan.FromMinutes(1) ? reset : TimeSpan.FromMinutes(1))).UtcTicks);
        }
    }

    /// <summary>Counts a call against the deployment's own configured per-minute quota.</summary>
    public void CountUsage(long tokens)
    {
        lock (gate)
        {
            RollMinute();
            minuteRequests++;
            minuteTokens += tokens;
        }
    }

    /// <summary>
    /// The smallest remaining share (0..1) of any quota that is known: provider hints against the configured limits
    /// (or against the limit the provider reported; with neither, an absolute remainder counts as plenty unless 0),
    /// and the configured limits against this minute's own usage. Null when nothing is known.
    /// </summary>
    public double? Headroom(DeploymentRouting routing)
    {
        if (routing.RequestsPerMinute is null && routing.TokensPerMinute is null && time.GetUtcNow() >= HintsUntil)
        {
            return null; // nothing known: asked for every request, so no lock
        }

        lock (gate)
        {
            RollMinute();
            double? least = null;
            if (time.GetUtcNow() < HintsUntil)
            {
                least = Min(least, Share(hintRequests, routing.RequestsPerMinute ?? hintRequestsLimit));
                least = Min(least, Share(hintTokens, routing.TokensPerMinute ?? hintTokensLimit));
            }

            if (routing.RequestsPerMinute is { } rpm)
            {
                least = Min(least, Math.Max(0, rpm - minuteRequests) / (double)rpm);
            }

            if (routing.TokensPerMinute is { } tpm)
            {
                least = Min(least, Math.Max(0, tpm - minuteTokens) / (double)tpm);
            }

            return least;
        }
    }

    private static double? Share(long? remaining, long? limit) => remaining switch
    {
        null => null,
        <= 0 => 0,
        _ => limit is > 0 ? Math.Min(1, remaining.Value / (double)limit.Value) : 1,
    };

    private static TimeSpan? Shorter(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private void RollMinute()
    {
        var now = time.GetUtcNow().UtcTicks / TimeSpan.TicksPerMinute;
        if (now != minute)
        {
            minute = now;
            minuteRequests = 0;
            minuteTokens = 0;
        }
    }
}
