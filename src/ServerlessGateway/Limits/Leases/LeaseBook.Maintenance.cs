namespace ServerlessGateway.Limits.Leases;

/// <summary>The lease book's background side: overruns written, idle period leases returned, expired counters forgotten.</summary>
public sealed partial class LeaseBook
{
    /// <summary>A period counter unused this long is forgotten (and rebuilt from the store on its next use).</summary>
    private static readonly TimeSpan ForgetIdleAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Writes pending overruns, returns period leases idle for <paramref name="idleAfter"/> (all of them when zero),
    /// refreshes period totals so <see cref="View"/> follows other instances' spend, and forgets expired counters.
    /// </summary>
    public async Task MaintainAsync(TimeSpan idleAfter, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (key, state) in counters)
        {
            await FlushAsync(state, cancellationToken);
            if (state.Ref.Kind == LeaseKind.Period)
            {
                await ReturnIdleAsync(state, now, idleAfter, cancellationToken);
            }

            lock (state.Gate)
            {
                // Expired windows go; so does a period counter idle long enough to hold nothing (its lease was
                // returned above): otherwise every budget ever touched would be re-read from the store each second.
                var forgettable = state.Ref.Expires <= now || (state.Ref.Kind == LeaseKind.Period && state.Available == 0 && now - state.LastUsed >= ForgetIdleAfter);
                if (forgettable && state.Pending == 0 && !state.Refilling)
                {
                    counters.TryRemove(key, out _);
                }
            }
        }
    }

    private async Task FlushAsync(LeasedCounter state, CancellationToken cancellationToken)
    {
        long amount;
        lock (state.Gate)
        {
            amount = state.Pending;
            state.Pending = 0;
        }

        if (amount == 0)
        {
            return;
        }

        try
        {
            var total = await store.AddAsync(state.Ref.Key, amount, state.Ref.Expires, cancellationToken);
            Interlocked.Increment(ref storeCalls);
            lock (state.Gate)
            {
                state.StoreTotal = total;
                state.SeenAt = time.GetUtcNow();
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // Kept for the next maintenance pass: an overrun is real spend and must reach the store.
            lock (state.Gate)
            {
                state.Pending += amount;
            }

            LogStoreFailed(logger, state.Ref.Key, ex);
        }
    }

    private async Task ReturnIdleAsync(LeasedCounter state, DateTimeOffset now, TimeSpan idleAfter, CancellationToken cancellationToken)
    {
        long amount = 0;
        lock (state.Gate)
        {
            if (!state.Refilling && now - state.LastUsed >= idleAfter)
            {
                amount = state.Available;
                state.Available = 0;
            }
        }

        try
        {
            var total = amount > 0
                ? await store.AddAsync(state.Ref.Key, -amount, state.Ref.Expires, cancellationToken)
                : await store.ReadAsync(state.Ref.Key, cancellationToken);
            Interlocked.Increment(ref storeCalls);
            Interlocked.Add(ref returned, amount);
            lock (state.Gate)
            {
                state.StoreTotal = total;
                state.SeenAt = time.GetUtcNow();
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            lock (state.Gate)
            {
                state.Available += amount;
            }

            LogStoreFailed(logger, state.Ref.Key, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The counter store failed for {Key}; retrying at the next maintenance pass.")]
    private static partial void LogStoreFailed(ILogger logger, string key, Exception exception);
}
