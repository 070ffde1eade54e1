using ServerlessGateway.Jobs;

namespace ServerlessGateway.Routing.Probes;

public static class ProbeServices
{
    /// <summary>
    /// Active health probes: the prober, the job, its local timer and the logging observer. Observers are an enumerable:
    /// add another with AddSingleton&lt;IProbeObserver, …&gt;() and both hear every result.
    /// </summary>
    public static IServiceCollection AddHealthProbes(this IServiceCollection services)
    {
        services.AddSingleton<DeploymentProber>();
        services.AddSingleton<IProbeObserver, LoggingProbeObserver>();
        services.AddSingleton<HealthProbeJob>();
        services.AddHostedService<HealthProbeTimer>();
        return services;
    }
}
