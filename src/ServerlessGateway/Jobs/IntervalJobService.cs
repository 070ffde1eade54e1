namespace ServerlessGateway.Jobs;

/// <summary>
/// Runs a job in this process at an interval read afresh at every turn (so a configuration reload changes it). A run
/// that fails is logged and the next turn runs again; stopping the app ends the loop quietly.
/// </summary>
public abstract partial class IntervalJobService(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Names the job in the log.</summary>
    protected abstract string JobName { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether this turn runs (a job switched off in configuration keeps waiting, to notice it switched on).</summary>
    protected virtual bool Enabled => true;

    /// <summary>Whether this process runs the job at all (false where a Functions timer trigger does it instead).</summary>
    protected virtual bool RunsHere => true;

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!RunsHere)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(Interval, time, stoppingToken);
                if (!Enabled)
                {
                    continue;
                }

                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, JobName, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job} failed; it runs again at the next interval.")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
