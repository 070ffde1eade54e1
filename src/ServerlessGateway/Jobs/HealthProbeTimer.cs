using ServerlessGateway.Configuration;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Runs <see cref="HealthProbeJob"/> every Gateway:Probes:IntervalSeconds in this process while Gateway:Probes:Enabled.
/// Off under the Azure Functions host, where the health-probe function's timer trigger runs the job instead. A failed
/// run loses nothing: the next probes every deployment afresh.
/// </summary>
public sealed class HealthProbeTimer(HealthProbeJob job, GatewayConfigStore config, EnvironmentReferences environment, TimeProvider time, ILogger<HealthProbeTimer> logger)
    : IntervalJobService(time, logger)
{
    protected override string JobName => "Health probe run";

    protected override TimeSpan Interval => config.Current.Probes.Interval;

    protected override bool Enabled => config.Current.Probes.Enabled;

    protected override bool RunsHere => !environment.IsFunctionsHost();

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => job.RunAsync(cancellationToken);
}
