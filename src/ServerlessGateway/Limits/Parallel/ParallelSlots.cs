using System.Collections.Concurrent;

namespace ServerlessGateway.Limits.Parallel;

/// <summary>
/// Requests in flight, limited across instances. Why this design: a plain shared counter would keep a crashed
/// instance's slots forever, and per-instance keys would need a non-atomic "sum, then add". Instead slots are
/// counted in short epochs (<see cref="Epoch"/>): a counter per epoch, admitted into with the atomic conditional
/// add, and every live instance re-registers the slots it holds into the current and the next epoch (admission
/// does so at once; the maintenance pass every second catches up at each turn). A crashed instance stops
/// re-registering, so its slots are gone within two epochs, while live slots are always counted in the epoch that
/// admissions check. Released slots stay leased locally for a moment, so steady traffic does no I/O per request.
/// The one assumption: an instance's maintenance pass runs at least once per epoch.
/// </summary>
public sealed partial class ParallelSlots(ICounterStore store, TimeProvider time, ILogger<ParallelSlots> logger)
{
    public static readonly TimeSpan Epoch = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, SlotCounter> counters = new(StringComparer.Ordinal);

    /// <summary>Takes one slot of <paramref name="key"/> (limit <paramref name="limit"/>); returns whether it did and the slots in use as seen.</summary>
    public async ValueTask<SlotTake> AcquireAsync(string key, int limit, CancellationToken cancellationToken)
    {
        var slots = counters.GetOrAdd(key, static k => new SlotCounter(k));
        if (slots.TryUseLeased(time.GetUtcNow()) is { } inUse)
        {
            return new SlotTake(true, inUse);
        }

        await slots.StoreGate.WaitAsync(cancellationToken);
        try
        {
            if (slots.TryUseLeased(time.GetUtcNow()) is { } reused)
            {
                return new SlotTake(true, reused);
            }

            var epoch = EpochOf(time.GetUtcNow());
            await RegisterAsync(slots, epoch);
            var result = await store.TryAddAsync(EpochKey(key, epoch), 1, limit, ExpiresOf(epoch), CancellationToken.None);
            if (!result.Added)
            {
                return new SlotTake(false, result.Total);
            }

            slots.Registered[epoch] = slots.Registered.GetValueOrDefault(epoch) + 1;
            slots.AddLeasedInUse(time.GetUtcNow());
            try
            {
                await RegisterAsync(slots, epoch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStoreFailed(logger, key, ex); // the next maintenance pass registers it in the next epoch
            }

            return new SlotTake(true, result.Total);
        }
        finally
        {
            slots.StoreGate.Release();
        }
    }

    /// <summary>Frees a slot taken by <see cref="AcquireAsync"/>; it stays leased here until idle.</summary>
    public void Release(string key)
    {
        if (counters.TryGetValue(key, out var slots))
        {
            slots.Release(time.GetUtcNow());
        }
    }

    /// <summary>Slots held by this instance: leased from the store, and of those in use.</summary>
    public (long Leased, long InUse) Held(string key) => counters.TryGetValue(key, out var slots) ? slots.Held() : (0, 0);

    /// <summary>Re-registers held slots into the current and next epoch and returns slots idle for <paramref name="idleAfter"/>.</summary>
    public async Task MaintainAsync(TimeSpan idleAfter, CancellationToken cancellationToken)
    {
        foreach (var slots in counters.Values)
        {
            await slots.StoreGate.WaitAsync(cancellationToken);
            try
            {
                var now = time.GetUtcNow();
                var epoch = EpochOf(now);
                foreach (var old in slots.Registered.Keys.Where(e => e < epoch).ToList())
                {
                    slots.Registered.Remove(old);
                }

                var idle = slots.TakeIdle(now, idleAfter);
                foreach (var (registeredEpoch, count) in slots.Registered.ToList())
                {
                    var release = Math.Min(idle, count);
                    if (release > 0)
                    {
                        await store.AddAsync(EpochKey(slots.Key, registeredEpoch), -release, ExpiresOf(registeredEpoch), cancellationToken);
                        slots.Registered[registeredEpoch] = count - release;
                    }
                }

                await RegisterAsync(slots, epoch);
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
            {
                LogStoreFailed(logger, slots.Key, ex);
            }
            finally
            {
                slots.StoreGate.Release();
            }
        }
    }

    internal static long EpochOf(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / (long)Epoch.TotalMilliseconds;

    private static string EpochKey(string key, long epoch) => key + "|" + epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset ExpiresOf(long epoch) => DateTimeOffset.FromUnixTimeMilliseconds((epoch + 1) * (long)Epoch.TotalMilliseconds) + TimeSpan.FromSeconds(5);

    /// <summary>Makes sure every leased slot is counted in <paramref name="epoch"/> and the one after (caller holds the store gate).</summary>
    private async Task RegisterAsync(SlotCounter slots, long epoch)
    {
        var leased = slots.Held().Leased;
        for (var e = epoch; e <= epoch + 1; e++)
        {
            var missing = leased - slots.Registered.GetValueOrDefault(e);
            if (missing > 0)
            {
                await store.AddAsync(EpochKey(slots.Key, e), missing, ExpiresOf(e), CancellationToken.None);
                slots.Registered[e] = leased;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The counter store failed for parallel slots {Key}; retrying at the next maintenance pass.")]
    private static partial void LogStoreFailed(ILogger logger, string key, Exception exception);
}

/// <summary>The outcome of taking a slot, with the slots in use as the store counted them.</summary>
public readonly record struct SlotTake(bool Admitted, long InUse);
