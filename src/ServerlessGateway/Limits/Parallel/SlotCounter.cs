namespace ServerlessGateway.Limits.Parallel;

/// <summary>One parallel limit's slots on this instance. Leased/in-use under a lock; registrations under the store gate.</summary>
internal sealed class SlotCounter(string key)
{
    private readonly Lock gate = new();
    private long leased;
    private long inUse;
    private DateTimeOffset lastUsed;

    public string Key { get; } = key;

    /// <summary>Serialises this counter's store calls (acquire, renewal, return) on this instance.</summary>
    public SemaphoreSlim StoreGate { get; } = new(1, 1);

    /// <summary>Slots this instance has registered per epoch; touched only under <see cref="StoreGate"/>.</summary>
    public Dictionary<long, long> Registered { get; } = [];

    /// <summary>Uses a leased free slot, returning the slots now in use here, or null when none is free.</summary>
    public long? TryUseLeased(DateTimeOffset now)
    {
        lock (gate)
        {
            if (inUse >= leased)
            {
                return null;
            }

            lastUsed = now;
            return ++inUse;
        }
    }

    public void AddLeasedInUse(DateTimeOffset now)
    {
        lock (gate)
        {
            leased++;
            inUse++;
            lastUsed = now;
        }
    }

    public void Release(DateTimeOffset now)
    {
        lock (gate)
        {
            inUse = Math.Max(0, inUse - 1);
            lastUsed = now;
        }
    }

    /// <summary>Un-leases the free slots when nothing happened for <paramref name="idleAfter"/>; returns how many.</summary>
    public long TakeIdle(DateTimeOffset now, TimeSpan idleAfter)
    {
        lock (gate)
        {
            if (leased <= inUse || now - lastUsed < idleAfter)
            {
                return 0;
            }

            var free = leased - inUse;
            leased = inUse;
            return free;
        }
    }

    public (long Leased, long InUse) Held()
    {
        lock (gate)
        {
            return (leased, inUse);
        }
    }
}
