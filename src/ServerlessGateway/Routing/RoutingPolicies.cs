using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing;

/// <summary>A deployment's routing attributes, validated and compiled from its options.</summary>
public sealed record DeploymentRouting(double Weight, int Priority, long? ContextWindow, int? MaxConcurrency, long? RequestsPerMinute, long? TokensPerMinute)
{
    public static DeploymentRouting Default { get; } = new(1, 0, null, null, null, null);
}

/// <summary>A logical model's routing: strategy, fallbacks, the long-context model, retries and hedging.</summary>
public sealed record ModelRoutingPolicy(string Strategy, IReadOnlyList<string> Fallbacks, string? LongContextModel, RetryOptions? Retry, HedgeOptions? Hedge)
{
    public static ModelRoutingPolicy Default { get; } = new(RoutingStrategyNames.Ordered, [], null, null, null);

    /// <summary>Statuses that move on to the next candidate although the request seems at fault (configured).</summary>
    public IReadOnlySet<int> FailoverOnStatus { get; init; } = new HashSet<int>();
}
