using System.Collections.Concurrent;

namespace ServerlessGateway.Limits.Leases;

/// <summary>
/// This instance's leases on shared counters. A request is admitted from a locally held slice of the allowance
/// with no I/O; only when the slice runs out does the instance ask the store for another through the conditional
/// add, so the combined amount admitted by all instances never exceeds the limit. Slices shrink as the counter
/// fills (a share of what is left, never less than the request needs), so little is stranded at the end.
/// </summary>
public sealed partial class LeaseBook(ICounterStore store, TimeProvider time, ILogger<LeaseBook> logger)
{
    /// <summary>A lease is this fraction (1/n) of what the store has left: big while the window is empty, tiny near its end.</summary>
    private const int RemainingShare = 8;

    /// <summary>
    /// Budget leases hold at most this many of the current request's amount, or 1/<see cref="PeriodLeaseLimitShare"/>
    /// of the budget if that is more: one instance holds little of a budget, yet a large budget is not
    /// refilled from the store every few requests.
    /// </summary>
    private const int PeriodLeaseAmounts = 4;

    private const int PeriodLeaseLimitShare = 100;

    private const int MaxRefills = 4;

    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, LeasedCounter> counters = new(StringComparer.Ordinal);
    private long granted;
    private long admitted;
    private long returned;
    private long storeCalls;

    public LeaseUtilisation Utilisation => new(Interlocked.Read(ref granted), Interlocked.Read(ref admitted), Interlocked.Read(ref returned), Interlocked.Read(ref storeCalls));

    /// <summary>Admits <paramref name="amount"/> from the local lease, refilling it from the store when short.</summary>
    public async ValueTask<LeaseTake> TakeAsync(CounterRef counter, long amount, CancellationToken cancellationToken)
    {
        var state = counters.GetOrAdd(counter.Key, static (_, c) => new LeasedCounter(c), counter);
        // Only this request's own refills count towards MaxRefills: waiting on another request's refill is not
        // an attempt, or a burst would refuse requests while the limit still has room.
        for (var attempt = 0; ;)
        {
            TaskCompletionSource? mine = null;
            Task refill;
            long needed = 0, size = 0;
            lock (state.Gate)
            {
                state.Ref = counter;
                if (state.Available >= amount)
                {
                    state.Available -= amount;
                    state.LastUsed = time.GetUtcNow();
                    Interlocked.Add(ref admitted, amount);
                    return new LeaseTake(true, state.View());
                }

                if (state.Refilling)
                {
                    refill = state.Refill!;
                }
                else if (attempt >= MaxRefills || KnownNotToFit(state, counter, amount - state.Available))
                {
                    return new LeaseTake(false, state.View());
                }
                else
                {
                    attempt++;
                    mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    refill = state.Refill = mine.Task;
                    needed = amount - state.Available;
                    size = LeaseSize(counter, state.StoreTotal, needed, amount);
                }
            }

            if (mine is null)
            {
                // Another request is already refilling this counter: wait for its one store call, then look again.
                await refill.WaitAsync(cancellationToken);
                continue;
            }

            try
            {
                if (!await RefillAsync(state, counter, needed, size))
                {
                    lock (state.Gate)
                    {
                        return new LeaseTake(false, state.View());
                    }
                }
            }
            finally
            {
                mine.SetResult();
            }
        }
    }

    /// <summary>Gives back an amount admitted but not used (a refused sibling check, a smaller real usage) to the local lease.</summary>
    public void Return(string key, long amount)
    {
        if (amount > 0 && counters.TryGetValue(key, out var state))
        {
            lock (state.Gate)
            {
                state.Available += amount;
            }

            Interlocked.Add(ref admitted, -amount);
        }
    }

    /// <summary>Counts an overrun (real usage above what was admitted): from the local lease first, the rest added to the store.</summary>
    public void Charge(CounterRef counter, long amount)
    {
        if (amount <= 0)
        {
            return;
        }

        var state = counters.GetOrAdd(counter.Key, static (_, c) => new LeasedCounter(c), counter);
        bool flush;
        lock (state.Gate)
        {
            var fromLease = Math.Min(state.Available, amount);
            state.Available -= fromLease;
            state.Pending += amount - fromLease;
            flush = state.Pending > 0;
        }

        Interlocked.Add(ref admitted, amount);
        if (flush)
        {
            _ = FlushAsync(state, CancellationToken.None);
        }
    }

    /// <summary>The counter as this instance last saw it, or null when it has not touched it.</summary>
    public CounterView? View(string key)
    {
        if (!counters.TryGetValue(key, out var state))
        {
            return null;
        }

        lock (state.Gate)
        {
            return state.View();
        }
    }

    /// <summary>
    /// Refuses without I/O when the store's total as last seen already leaves too little. A window's total only grows
    /// (returns go to local leases, never to the store), so for windows that is certain; a period's total can fall when
    /// another instance returns its lease, so it is trusted only while fresh (maintenance re-reads it every second).
    /// </summary>
    private bool KnownNotToFit(LeasedCounter state, CounterRef counter, long needed) =>
        state.StoreTotal + needed > counter.Limit
        && (counter.Kind == LeaseKind.Window || time.GetUtcNow() - state.SeenAt < FreshFor);

    private static long LeaseSize(CounterRef counter, long storeTotal, long needed, long amount)
    {
        var share = Math.Max(0, counter.Limit - storeTotal) / RemainingShare;
        if (counter.Kind == LeaseKind.Period)
        {
            share = Math.Min(share, Math.Max(amount * PeriodLeaseAmounts, counter.Limit / PeriodLeaseLimitShare));
        }

        return Math.Max(needed, share);
    }

    /// <summary>Asks for the preferred slice; if the store refuses it, for exactly what is needed before giving up.</summary>
    private async Task<bool> RefillAsync(LeasedCounter state, CounterRef counter, long needed, long size)
    {
        // Not the caller's token: other requests wait on this call.
        var result = await store.TryAddAsync(counter.Key, size, counter.Limit, counter.Expires, CancellationToken.None);
        Interlocked.Increment(ref storeCalls);
        if (!result.Added && size > needed)
        {
            size = needed;
            result = await store.TryAddAsync(counter.Key, size, counter.Limit, counter.Expires, CancellationToken.None);
            Interlocked.Increment(ref storeCalls);
        }

        lock (state.Gate)
        {
            state.StoreTotal = result.Total;
            state.SeenAt = time.GetUtcNow();
            if (result.Added)
            {
                state.Available += size;
                Interlocked.Add(ref granted, size);
            }
        }

        return result.Added;
    }
}
