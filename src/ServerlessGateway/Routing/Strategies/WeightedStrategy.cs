using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>
/// A weighted random order: each deployment is first with probability weight / total, and the rest follow in the same
/// way (Efraimidis–Spirakis: sort by u^(1/w)), so the failover order is weighted too.
/// </summary>
public sealed class WeightedStrategy : KeyedStrategy
{
    public override string Name => RoutingStrategyNames.Weighted;

    protected override double Key(RouteCandidate candidate, RoutingContext context)
    {
        var weight = candidate.Deployment.Routing.Weight;
        return weight <= 0 ? double.MaxValue : -Math.Pow(context.Random.NextDouble(), 1 / weight);
    }
}
