namespace ServerlessGateway.Routing.Health;

/// <summary>
/// A deployment's recent speed: exponentially weighted moving averages of time to first token and of total time,
/// and a ring of recent first-token times for percentiles (hedging after the p95). Samples older than
/// <see cref="StaleAfter"/> no longer count, so a deployment that was slow an hour ago is measured afresh.
/// </summary>
public sealed class LatencyStats
{
    /// <summary>Weight of the newest sample: about the last ten samples carry the average.</summary>
    public const double Alpha = 0.2;

    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    private const int Ring = 64;

    private readonly Lock gate = new();
    private readonly double[] firstTokenRing = new double[Ring];
    private double firstTokenEwma;
    private double totalEwma;
    private int samples;
    private DateTimeOffset lastSample;

    /// <summary>Samples behind the averages (0 when stale).</summary>
    public int Samples(DateTimeOffset now)
    {
        lock (gate)
        {
            return now - lastSample > StaleAfter ? 0 : samples;
        }
    }

    public double FirstTokenMs
    {
        get
        {
            lock (gate)
            {
                return firstTokenEwma;
            }
        }
    }

    public double TotalMs
    {
        get
        {
            lock (gate)
            {
                return totalEwma;
            }
        }
    }

    public void Add(TimeSpan firstToken, TimeSpan total, DateTimeOffset now)
    {
        lock (gate)
        {
            if (now - lastSample > StaleAfter)
            {
                samples = 0;
            }

            var first = firstToken.TotalMilliseconds;
            firstTokenEwma = samples == 0 ? first : firstTokenEwma + (Alpha * (first - firstTokenEwma));
            totalEwma = samples == 0 ? total.TotalMilliseconds : totalEwma + (Alpha * (total.TotalMilliseconds - totalEwma));
            firstTokenRing[samples % Ring] = first;
            samples++;
            lastSample = now;
        }
    }

    /// <summary>The <paramref name="percentile"/>th first-token time of the recent samples, or null with fewer than 10.</summary>
    public TimeSpan? FirstTokenPercentile(int percentile, DateTimeOffset now)
    {
        lock (gate)
        {
            if (now - lastSample > StaleAfter || samples < 10)
            {
                return null;
            }

            var count = Math.Min(samples, Ring);
            Span<double> sorted = stackalloc double[count];
            firstTokenRing.AsSpan(0, count).CopyTo(sorted);
            sorted.Sort();
            var index = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * count) - 1, 0, count - 1);
            return TimeSpan.FromMilliseconds(sorted[index]);
        }
    }
}
