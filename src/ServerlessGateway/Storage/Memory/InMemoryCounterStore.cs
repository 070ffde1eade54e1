using ServerlessGateway.Limits;

namespace ServerlessGateway.Storage.Memory;

/// <summary>
/// Counters for one process. One lock keeps every operation atomic; leases keep calls rare, so it is not contended.
/// An expired counter counts as zero and is swept out once a minute.
/// </summary>
public sealed class InMemoryCounterStore(TimeProvider time) : ICounterStore
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Counter> counters = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private DateTimeOffset nextSweep = time.GetUtcNow() + SweepEvery;

    /// <summary>Counters held (expired ones until the next sweep).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return counters.Count;
            }
        }
    }

    public ValueTask<CounterAdd> TryAddAsync(string key, long amount, long limit, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var current = Live(key, time.GetUtcNow());
            if (current + amount > limit)
            {
                return ValueTask.FromResult(new CounterAdd(false, current));
            }

            return ValueTask.FromResult(new CounterAdd(true, Set(key, current + amount, expires)));
        }
    }

    public ValueTask<long> AddAsync(string key, long amount, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult(Set(key, Live(key, time.GetUtcNow()) + amount, expires));
        }
    }

    public ValueTask<long> ReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult(Live(key, time.GetUtcNow()));
        }
    }

    private long Live(string key, DateTimeOffset now)
    {
        if (now >= nextSweep)
        {
            nextSweep = now + SweepEvery;
            foreach (var stale in counters.Where(c => c.Value.Expires <= now).Select(c => c.Key).ToList())
            {
                counters.Remove(stale);
            }
        }

        return counters.TryGetValue(key, out var counter) && counter.Expires > now ? counter.Total : 0;
    }

    private long Set(string key, long total, DateTimeOffset expires)
    {
        // A live counter keeps the later expiry: one caller's shorter horizon must not cut another's window short.
        var keep = counters.TryGetValue(key, out var old) && old.Expires > time.GetUtcNow() && old.Expires > expires ? old.Expires : expires;
        counters[key] = new Counter(total, keep);
        return total;
    }

    private readonly record struct Counter(long Total, DateTimeOffset Expires);
}
