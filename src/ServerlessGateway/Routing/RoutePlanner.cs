using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Health;
using ServerlessGateway.Routing.Strategies;

namespace ServerlessGateway.Routing;

/// <summary>
/// Turns a logical model into the ordered candidates a request may try: the model's deployments by priority group,
/// each group ordered by the model's strategy, then each fallback model's the same way, then the gateway's default
/// fallbacks. A deployment appears once. A prompt longer than a deployment's context window skips it; when that
/// leaves nothing that fits, the model's long-context model is added.
/// </summary>
public sealed class RoutePlanner(RoutingStrategies strategies, DeploymentHealthRegistry health)
{
    public List<RouteCandidate> Plan(LogicalModel model, RoutingContext context, RouteTrace trace)
    {
        var snapshot = context.Snapshot;
        var plan = new List<RouteCandidate>(model.Deployments.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tooLong = false;
        Add(model, plan, seen, context, trace, ref tooLong);
        foreach (var name in model.Policy.Fallbacks.Concat(snapshot.Resilience.DefaultFallbacks))
        {
            if (name != model.Name && snapshot.Models.TryGetValue(name, out var fallback))
            {
                Add(fallback, plan, seen, context, trace, ref tooLong);
            }
        }

        if (tooLong && !plan.Any(c => c.Model == model) && model.Policy.LongContextModel is { } longer && snapshot.Models.TryGetValue(longer, out var longModel))
        {
            trace.Note("context>window: " + longer);
            Add(longModel, plan, seen, context, trace, ref tooLong);
        }

        return plan;
    }

    /// <summary>The candidates of <paramref name="model"/> (a long-context fallback, after a provider said the prompt is too long).</summary>
    public List<RouteCandidate> Candidates(LogicalModel model, RoutingContext context, RouteTrace trace)
    {
        var list = new List<RouteCandidate>(model.Deployments.Count);
        var tooLong = false;
        Add(model, list, new HashSet<string>(StringComparer.Ordinal), context, trace, ref tooLong);
        return list;
    }

    private void Add(LogicalModel model, List<RouteCandidate> plan, HashSet<string> seen, RoutingContext context, RouteTrace trace, ref bool tooLong)
    {
        var strategy = strategies.For(model.Policy.Strategy);
        trace.Model(model.Name, strategy.Name);

        var group = new List<RouteCandidate>(model.Deployments.Count);
        foreach (var priority in model.Priorities)
        {
            group.Clear();
            foreach (var deployment in model.Deployments)
            {
                if (deployment.Routing.Priority != priority || !seen.Add(deployment.Name))
                {
                    continue;
                }

                if (deployment.Routing.ContextWindow is { } window && context.Exceeds(window))
                {
                    tooLong = true;
                    trace.Skipped(deployment.Name, "context");
                    continue;
                }

                group.Add(new RouteCandidate(deployment, model, health.For(deployment)));
            }

            strategy.Order(group, context);
            plan.AddRange(group);
        }
    }
}
