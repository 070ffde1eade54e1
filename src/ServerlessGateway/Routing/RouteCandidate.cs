using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Health;

namespace ServerlessGateway.Routing;

/// <summary>One deployment the request may go to, reached through <see cref="Model"/> (the model asked for or a fallback).</summary>
public sealed class RouteCandidate(Deployment deployment, LogicalModel model, DeploymentHealth health)
{
    public Deployment Deployment { get; } = deployment;

    public LogicalModel Model { get; } = model;

    public DeploymentHealth Health { get; } = health;

    /// <summary>A strategy's sort key (lower goes first); scratch space, set by the strategy that orders the group.</summary>
    internal double SortKey { get; set; }

    /// <summary>
    /// Why the deployment cannot take a request now, or null: cooling down after a 429, at its concurrency, out of
    /// quota, or open. The breaker goes last: admitting a half-open probe reserves it.
    /// </summary>
    public string? WhyUnavailable()
    {
        var routing = Deployment.Routing;
        if (Health.IsCooling)
        {
            return "cooling";
        }

        if (routing.MaxConcurrency is { } max && Health.InFlight >= max)
        {
            return "busy";
        }

        if (Health.Headroom(routing) is <= 0)
        {
            return "no-headroom";
        }

        return Health.Breaker.TryAcquire() ? null : "open";
    }

    /// <summary>When the first of <paramref name="blocked"/> is due back by itself (a cool-down ending, a breaker's probe), if any is.</summary>
    public static DateTimeOffset? EarliestDueBack(IEnumerable<RouteCandidate> blocked, DateTimeOffset now)
    {
        DateTimeOffset? earliest = null;
        foreach (var candidate in blocked)
        {
            var health = candidate.Health;
            var due = health.IsCooling ? health.CoolingUntil : health.Breaker.State == BreakerState.Open ? health.Breaker.OpenUntil : (DateTimeOffset?)null;
            if (due is { } at && at > now && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }

        return earliest;
    }
}
