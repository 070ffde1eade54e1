using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>
/// The deployment with the most quota left first (the smaller of its request and token shares, from its own RPM/TPM
/// and the provider's x-ratelimit-remaining headers), so traffic spreads before any deployment reaches its 429. One
/// with nothing known counts as full. Combined with priority groups this is "provisioned first, pay-as-you-go after".
/// </summary>
public sealed class UsageHeadroomStrategy : KeyedStrategy
{
    public override string Name => RoutingStrategyNames.UsageHeadroom;

    protected override double Key(RouteCandidate candidate, RoutingContext context) =>
        -(candidate.Health.Headroom(candidate.Deployment.Routing) ?? 1);
}
