using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>Fewest requests in flight first; equal loads are ordered at random so none is favoured.</summary>
public sealed class LeastBusyStrategy : KeyedStrategy
{
    public override string Name => RoutingStrategyNames.LeastBusy;

    protected override double Key(RouteCandidate candidate, RoutingContext context) =>
        candidate.Health.InFlight + (context.Random.NextDouble() * 0.5);
}
