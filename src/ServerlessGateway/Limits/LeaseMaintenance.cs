using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Limits.Parallel;

namespace ServerlessGateway.Limits;

/// <summary>
/// Once a second: renews parallel slots into the current epoch, returns idle budget leases and writes overruns.
/// At shutdown every budget lease and free slot goes back to the store, so nothing stays stranded.
/// </summary>
public sealed partial class LeaseMaintenance(LeaseBook book, ParallelSlots slots, TimeProvider time, ILogger<LeaseMaintenance> logger) : BackgroundService
{
    /// <summary>Unused budget leases and free slots go back after this long without use.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(3);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await RunOnceAsync(TimeSpan.Zero, cancellationToken);
    }

    /// <summary>One maintenance pass (the timer's, or a test's).</summary>
    public async Task RunOnceAsync(TimeSpan idleAfter, CancellationToken cancellationToken)
    {
        await slots.MaintainAsync(idleAfter, cancellationToken);
        await book.MaintainAsync(idleAfter, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(IdleAfter, stoppingToken);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                LogPassFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A lease maintenance pass failed; the next one retries.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
