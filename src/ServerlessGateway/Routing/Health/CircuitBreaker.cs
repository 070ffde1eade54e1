using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Health;

public enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// One deployment's circuit breaker, shared by every request: opened by consecutive failures or by a failure ratio
/// over a sliding window; after the open period one request probes it (half-open) and its outcome closes it or
/// re-opens it for twice as long. While open, routing skips the deployment without calling it.
/// </summary>
public sealed class CircuitBreaker(BreakerOptions options, TimeProvider time)
{
    private const int Buckets = 10;

    private readonly Lock gate = new();
    private readonly int[] successes = new int[Buckets];
    private readonly int[] failures = new int[Buckets];
    private readonly long bucketTicks = Math.Max(1, (long)(options.WindowSeconds * TimeSpan.TicksPerSecond / Buckets));
    private long currentBucket;
    private int consecutive;
    private BreakerState state;
    private DateTimeOffset openUntil;
    private TimeSpan openFor = TimeSpan.FromSeconds(options.OpenSeconds);
    private bool probeInFlight;

    public BreakerState State
    {
        get
        {
            lock (gate)
            {
                return state == BreakerState.Open && time.GetUtcNow() >= openUntil ? BreakerState.HalfOpen : state;
            }
        }
    }

    /// <summary>When an open breaker lets its next probe through.</summary>
    public DateTimeOffset OpenUntil
    {
        get
        {
            lock (gate)
            {
                return openUntil;
            }
        }
    }

    /// <summary>
    /// Whether a call may go to the deployment now. Half-open admits one probe at a time; the caller must report
    /// its outcome (<see cref="OnSuccess"/>, <see cref="OnFailure"/> or <see cref="OnAbandoned"/>).
    /// </summary>
    public bool TryAcquire()
    {
        if (!options.Enabled)
        {
            return true;
        }

        lock (gate)
        {
            switch (state)
            {
                case BreakerState.Closed:
                    return true;
                case BreakerState.Open when time.GetUtcNow() < openUntil:
                    return false;
                case BreakerState.Open:
                    state = BreakerState.HalfOpen;
                    probeInFlight = true;
                    return true;
                default:
                    if (probeInFlight)
                    {
                        return false;
                    }

                    probeInFlight = true;
                    return true;
            }
        }
    }

    public void OnSuccess()
    {
        lock (gate)
        {
            Count(successes);
            consecutive = 0;
            if (state != BreakerState.Closed)
            {
                state = BreakerState.Closed;
                probeInFlight = false;
                openFor = TimeSpan.FromSeconds(options.OpenSeconds);
                Array.Clear(successes);
                Array.Clear(failures);
            }
        }
    }

    public void OnFailure()
    {
        lock (gate)
        {
            Count(failures);
            consecutive++;
            if (state == BreakerState.HalfOpen)
            {
                openFor = TimeSpan.FromTicks(Math.Min(openFor.Ticks * 2, TimeSpan.FromSeconds(options.MaxOpenSeconds).Ticks));
                Open();
            }
            else if (state == BreakerState.Closed && ShouldOpen())
            {
                Open();
            }
        }
    }

    /// <summary>A probe that ended without a verdict (the caller went away): let the next request probe.</summary>
    public void OnAbandoned()
    {
        lock (gate)
        {
            probeInFlight = false;
        }
    }

    private bool ShouldOpen()
    {
        if (consecutive >= options.ConsecutiveFailures)
        {
            return true;
        }

        var failed = failures.Sum();
        var total = failed + successes.Sum();
        return total >= options.MinimumThroughput && failed >= options.FailureRatio * total;
    }

    private void Open()
    {
        state = BreakerState.Open;
        probeInFlight = false;
        openUntil = time.GetUtcNow() + openFor;
    }

    /// <summary>Adds one to the current bucket of <paramref name="counts"/>, clearing buckets that have left the window.</summary>
    private void Count(int[] counts)
    {
        var bucket = time.GetUtcNow().UtcTicks / bucketTicks;
        if (bucket != currentBucket)
        {
            var stale = Math.Min(Buckets, bucket - currentBucket);
            for (var i = 1; i <= stale; i++)
            {
                var index = (int)((currentBucket + i) % Buckets);
                successes[index] = 0;
                failures[index] = 0;
            }

            currentBucket = bucket;
        }

        counts[(int)(bucket % Buckets)]++;
    }
}
