using ServerlessGateway.Configuration;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Runs <see cref="SpendRollupJob"/> every RollupIntervalSeconds in this process. A failed run loses nothing: the next
/// recomputes from the same watermark.
/// </summary>
public sealed class SpendRollupTimer(SpendRollupJob job, LedgerOptions options, TimeProvider time, ILogger<SpendRollupTimer> logger)
    : IntervalJobService(time, logger)
{
    protected override string JobName => "Spend roll-up";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.RollupIntervalSeconds));

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => job.RunAsync(cancellationToken);
}
