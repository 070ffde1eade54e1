using ServerlessGateway.Configuration;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Runs <see cref="HealthProbeJob"/> every Gateway:Probes:IntervalSeconds in this process while Gateway:Probes:Enabled,
/// both read from the current configuration at every turn, so a reload changes them. Off under the Azure Functions host,
/// where the health-probe function's timer trigger runs the job instead.
/// </summary>
public sealed partial class HealthProbeTimer(HealthProbeJob job, GatewayConfigStore config, EnvironmentReferences environment, TimeProvider time, ILogger<HealthProbeTimer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (environment.IsFunctionsHost())
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(config.Current.Probes.Interval, time, stoppingToken);
                if (!config.Current.Probes.Enabled)
                {
                    continue;
                }

                try
                {
                    await job.RunAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next turn probes every deployment afresh: nothing is lost.
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe run failed; it runs again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
