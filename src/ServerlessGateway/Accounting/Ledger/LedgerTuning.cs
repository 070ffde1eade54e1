namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// The writer's timings that are not worth a configuration key; tests shrink them. Retries back off
/// exponentially from <see cref="FirstRetryDelay"/> to <see cref="MaxRetryDelay"/> and never give up.
/// </summary>
public sealed record LedgerTuning
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A batch write taking longer counts as failed and is retried (idempotency absorbs a late commit).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown tries to write what is queued before spilling the rest to disk.</summary>
    public TimeSpan ShutdownFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At most one overflow warning per interval (the counter counts every record).</summary>
    public TimeSpan OverflowWarningInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Records held between the full queue and the spill file's appender before callers append themselves.</summary>
    public int OverflowBufferCapacity { get; init; } = 1024;
}
