namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// The ledger's alarms and gauges, for readiness and metrics. Overflow is not an error — nothing is lost — but it
/// means the store cannot keep up, so readiness reports "degraded" while spilled records wait on disk.
/// </summary>
public sealed class LedgerStats
{
    private long queueDepth;
    private long accepted;
    private long overflowTotal;
    private long spillPending;
    private long written;
    private long writeFailures;
    private long lost;

    /// <summary>Records waiting in memory for the writer.</summary>
    public long QueueDepth => Interlocked.Read(ref queueDepth);

    public long AcceptedTotal => Interlocked.Read(ref accepted);

    /// <summary>Records that found the queue full and went to the spill file ("ledger_overflow_total").</summary>
    public long OverflowTotal => Interlocked.Read(ref overflowTotal);

    /// <summary>Records in the spill file(s) not yet written to the store.</summary>
    public long SpillPending => Interlocked.Read(ref spillPending);

    /// <summary>Records the store acknowledged (a retried batch counts again; the store ignores the duplicates).</summary>
    public long WrittenTotal => Interlocked.Read(ref written);

    public long WriteFailuresTotal => Interlocked.Read(ref writeFailures);

    /// <summary>Records that could be neither queued nor spilled (the spill file could not be written): the one real loss.</summary>
    public long LostTotal => Interlocked.Read(ref lost);

    public LedgerStatus Snapshot() => new(QueueDepth, AcceptedTotal, OverflowTotal, SpillPending, WrittenTotal, WriteFailuresTotal, LostTotal);

    internal void Queued()
    {
        Interlocked.Increment(ref accepted);
        Interlocked.Increment(ref queueDepth);
    }

    internal void Dequeued(int count) => Interlocked.Add(ref queueDepth, -count);

    internal void Overflowed()
    {
        Interlocked.Increment(ref accepted);
        Interlocked.Increment(ref overflowTotal);
    }

    internal void SpillAppended(long count) => Interlocked.Add(ref spillPending, count);

    internal void SpillDrained(long count) => Interlocked.Add(ref spillPending, -count);

    internal void Written(int count) => Interlocked.Add(ref written, count);

    internal void WriteFailed() => Interlocked.Increment(ref writeFailures);

    internal void Lost(int count) => Interlocked.Add(ref lost, count);
}

/// <summary>A moment's view of <see cref="LedgerStats"/>, named as the metrics are.</summary>
public sealed record LedgerStatus(
    long LedgerQueueDepth,
    long LedgerAcceptedTotal,
    long LedgerOverflowTotal,
    long LedgerSpillPending,
    long LedgerWrittenTotal,
    long LedgerWriteFailuresTotal,
    long LedgerLostTotal);
