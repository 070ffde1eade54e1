using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>
/// The fastest recent deployment first: time to first token for a stream, total time otherwise (moving averages).
/// A deployment with fewer than <see cref="MinimumSamples"/> recent samples goes first, so every deployment is
/// measured (and one that recovered is measured again once its old samples are stale).
/// </summary>
public sealed class LowestLatencyStrategy : KeyedStrategy
{
    public const int MinimumSamples = 3;

    public override string Name => RoutingStrategyNames.LowestLatency;

    protected override double Key(RouteCandidate candidate, RoutingContext context)
    {
        var latency = candidate.Health.Latency;
        if (latency.Samples(context.Time.GetUtcNow()) < MinimumSamples)
        {
            return double.MinValue;
        }

        return context.IsStreaming ? latency.FirstTokenMs : latency.TotalMs;
    }
}
