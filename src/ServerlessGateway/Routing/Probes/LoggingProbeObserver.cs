using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Probes;

/// <summary>The observer that is always there: unhealthy deployments are logged as warnings, healthy ones at debug level.</summary>
public sealed partial class LoggingProbeObserver(ILogger<LoggingProbeObserver> logger) : IProbeObserver
{
    public void OnProbe(Deployment deployment, ProbeResult result)
    {
        if (!result.Healthy)
        {
            LogUnhealthy(logger, deployment.Name, result.Status, result.Reason, result.Latency.TotalMilliseconds);
        }
        else if (result.Reason is not null)
        {
            LogRefused(logger, deployment.Name, result.Status, result.Reason);
        }
        else
        {
            LogHealthy(logger, deployment.Name, result.Latency.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe: deployment {Deployment} is unhealthy (status {Status}, {Reason}) after {LatencyMs:0} ms.")]
    private static partial void LogUnhealthy(ILogger logger, string deployment, int? status, string? reason, double latencyMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe: deployment {Deployment} is up but refused the probe (status {Status}: {Reason}); set its ProbeKind if it serves embeddings, or Probe: false.")]
    private static partial void LogRefused(ILogger logger, string deployment, int? status, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health probe: deployment {Deployment} answered in {LatencyMs:0} ms.")]
    private static partial void LogHealthy(ILogger logger, string deployment, double latencyMs);
}
