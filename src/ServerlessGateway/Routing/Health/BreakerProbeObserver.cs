using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Probes;

namespace ServerlessGateway.Routing.Health;

/// <summary>
/// Active probes feed the circuit breakers: a failed probe counts like a failed call (so a dead deployment opens
/// before users meet it), a healthy one closes an open breaker at once instead of waiting for a user's probe.
/// </summary>
public sealed class BreakerProbeObserver(DeploymentHealthRegistry health) : IProbeObserver
{
    public void OnProbe(Deployment deployment, ProbeResult result)
    {
        var breaker = health.For(deployment).Breaker;
        if (result.Healthy)
        {
            breaker.OnSuccess();
        }
        else
        {
            breaker.OnFailure();
        }
    }
}
