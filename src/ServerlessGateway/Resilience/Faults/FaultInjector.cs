using ServerlessGateway.Configuration;
using ServerlessGateway.Routing;

namespace ServerlessGateway.Resilience.Faults;

/// <summary>
/// Decides, per attempt, whether a fault is injected and which: the admin's x-gateway-fault header when it is meant
/// for this deployment (it then takes the place of the deployment's configured faults), else the deployment's
/// configured rules. One draw per decision at most, and none when nothing could be injected or the rate is 1,
/// so the other users of <see cref="IRandomSource"/> see the same sequence whether or not faults are configured.
/// </summary>
public sealed class FaultInjector(IRandomSource random)
{
    public FaultPlan? Plan(Deployment deployment, FaultRequest? header)
    {
        if (header is not null && header.Targets(deployment))
        {
            return header.Rate switch
            {
                >= 1 => header.Plan,
                <= 0 => null,
                _ => random.NextDouble() < header.Rate ? header.Plan : null,
            };
        }

        var rules = deployment.Faults;
        return rules.IsEmpty ? null : rules.Pick(random.NextDouble());
    }
}
