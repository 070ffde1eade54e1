namespace ServerlessGateway.Limits.Leases;

/// <summary>How unused lease ends.</summary>
public enum LeaseKind
{
    /// <summary>A per-minute window: the key names the window, so unused lease simply lapses with it.</summary>
    Window,

    /// <summary>A long period (a budget): unused lease goes back to the store when idle and at shutdown.</summary>
    Period,
}

/// <summary>A shared counter as an admission names it: the store key, its limit, when it may be forgotten, its kind.</summary>
public readonly record struct CounterRef(string Key, long Limit, DateTimeOffset Expires, LeaseKind Kind);

/// <summary>
/// What this instance knows of a counter, without I/O: the store's total as last seen (it includes every lease
/// granted, this instance's too), this instance's unused lease, and overruns not yet written to the store.
/// </summary>
public readonly record struct CounterView(long Limit, long StoreTotal, long Available, long Pending)
{
    /// <summary>Committed everywhere as far as this instance knows (best effort: other instances' unused lease counts as used).</summary>
    public long Used => Math.Max(0, StoreTotal - Available + Pending);

    public long Remaining => Math.Max(0, Limit - Used);
}

/// <summary>The outcome of taking an amount from a counter, and the counter as seen right after.</summary>
public readonly record struct LeaseTake(bool Admitted, CounterView View);

/// <summary>Totals of one lease book: amounts granted by the store, admitted from leases, given back, and store calls made.</summary>
public readonly record struct LeaseUtilisation(long Granted, long Admitted, long Returned, long StoreCalls)
{
    /// <summary>The share of granted lease that admissions used (1 when nothing was granted).</summary>
    public double AdmittedShare => Granted == 0 ? 1 : (double)Admitted / Granted;
}

/// <summary>One counter's local state; every field is guarded by <see cref="Gate"/>.</summary>
internal sealed class LeasedCounter(CounterRef counter)
{
    public Lock Gate { get; } = new();

    public CounterRef Ref { get; set; } = counter;

    public long Available { get; set; }

    public long StoreTotal { get; set; }

    public long Pending { get; set; }

    /// <summary>When <see cref="StoreTotal"/> was read from the store.</summary>
    public DateTimeOffset SeenAt { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    /// <summary>The refill in flight, which concurrent takers wait on instead of calling the store themselves.</summary>
    public Task? Refill { get; set; }

    public bool Refilling => Refill is { IsCompleted: false };

    public CounterView View() => new(Ref.Limit, StoreTotal, Available, Pending);
}
