using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>
/// The cheapest deployment for this request first: its prompt estimate and the same output estimate (its max_tokens,
/// else the gateway's default) at each deployment's prices (long-context tiers included). Unpriced deployments go last; the planner has already skipped those
/// whose context window the prompt does not fit.
/// </summary>
public sealed class LowestCostStrategy : KeyedStrategy
{
    public override string Name => RoutingStrategyNames.LowestCost;

    protected override double Key(RouteCandidate candidate, RoutingContext context) =>
        candidate.Deployment.Price is { } price
            ? (double)price.Cost(new TokenUsage(context.PromptTokens, context.OutputTokens(null)))
            : double.MaxValue;
}
