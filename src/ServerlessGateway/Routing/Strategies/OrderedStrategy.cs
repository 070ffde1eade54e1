using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>The order written in configuration: the primary first, then its failovers.</summary>
public sealed class OrderedStrategy : IRoutingStrategy
{
    public string Name => RoutingStrategyNames.Ordered;

    public void Order(List<RouteCandidate> group, RoutingContext context)
    {
    }
}
