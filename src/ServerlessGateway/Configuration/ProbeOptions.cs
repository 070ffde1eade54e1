namespace ServerlessGateway.Configuration;

/// <summary>
/// Active health probes (Gateway:Probes): a tiny request to every deployment with probing on, so a dead deployment is
/// known before a caller's request finds it. Which deployments are probed is set per deployment
/// (<see cref="DeploymentOptions.Probe"/>); compiled with them into <see cref="Routing.Probes.ProbePlan"/>.
/// </summary>
public sealed class ProbeOptions
{
    /// <summary>Whether the local timer (and the Functions timer trigger) run probes; POST /admin/jobs/health-probe always does.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between runs of the local timer (under Azure Functions, the health-probe function's schedule decides).</summary>
    public int IntervalSeconds { get; set; } = 30;

    /// <summary>Time one probe may take, answer included; shorter than traffic's time-outs, since a probe asks for one token.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Probes in flight at once, so a long list of deployments does not open a burst of connections.</summary>
    public int MaxConcurrency { get; set; } = 4;
}
