using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Probes;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Probes every deployment the current configuration has probing on for (each once), at most MaxConcurrency at a time,
/// and tells every <see cref="IProbeObserver"/> each result as it arrives. Free of timer concerns: the local timer
/// (<see cref="HealthProbeTimer"/>), POST /admin/jobs/health-probe and the Azure Functions timer trigger all call
/// <see cref="RunAsync"/>. Runs may overlap (a slow run and an admin's call): each probe is independent.
/// </summary>
public sealed partial class HealthProbeJob(GatewayConfigStore config, DeploymentProber prober, IEnumerable<IProbeObserver> observers, ILogger<HealthProbeJob> logger)
{
    private readonly IProbeObserver[] observers = [.. observers];

    public async Task<ProbeReport> RunAsync(CancellationToken cancellationToken)
    {
        var snapshot = config.Current;
        var plan = snapshot.Probes;
        var results = new DeploymentProbe[plan.Targets.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = plan.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Targets.Count), parallel, async (i, token) =>
        {
            var target = plan.Targets[i];
            var result = await prober.ProbeAsync(target, plan.Timeout, snapshot.StreamKeepAlive, token);
            Notify(target, result);
            results[i] = new DeploymentProbe(target, result);
        });

        var report = new ProbeReport(results);
        LogRun(logger, results.Length, report.Unhealthy);
        return report;
    }

    private void Notify(ProbeTarget target, ProbeResult result)
    {
        foreach (var observer in observers)
        {
            try
            {
                observer.OnProbe(target.Deployment, result);
            }
            catch (Exception ex)
            {
                LogObserverFailed(logger, ex, observer.GetType().Name, target.Deployment.Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health probes: {Count} deployments probed, {Unhealthy} unhealthy.")]
    private static partial void LogRun(ILogger logger, int count, int unhealthy);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe observer {Observer} failed on the result for {Deployment}; the other observers were told.")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, string deployment);
}

/// <summary>One run's results, in the order of the plan's targets.</summary>
public sealed record ProbeReport(IReadOnlyList<DeploymentProbe> Results)
{
    public int Unhealthy => Results.Count(r => !r.Result.Healthy);
}

/// <summary>A probed deployment (with the request kind and model it was probed as) and what the probe found.</summary>
public sealed record DeploymentProbe(ProbeTarget Target, ProbeResult Result);
