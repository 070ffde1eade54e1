using ServerlessGateway.Configuration;

namespace ServerlessGateway.Jobs;

/// <summary>Runs <see cref="SpendRollupJob"/> every RollupIntervalSeconds in this process (the Azure timer trigger replaces it there).</summary>
public sealed partial class SpendRollupTimer(SpendRollupJob job, LedgerOptions options, TimeProvider time, ILogger<SpendRollupTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.RollupIntervalSeconds)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await job.RunAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next tick recomputes from the same watermark: nothing is skipped.
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend roll-up failed; it runs again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
