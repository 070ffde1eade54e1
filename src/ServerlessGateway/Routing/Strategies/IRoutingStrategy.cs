namespace ServerlessGateway.Routing.Strategies;

/// <summary>
/// A named policy that orders one priority group of candidates, best first. Strategies only order; skipping
/// (open breakers, cool-downs, no headroom, context too long) is the planner's, the same for every strategy.
/// </summary>
public interface IRoutingStrategy
{
    string Name { get; }

    void Order(List<RouteCandidate> group, RoutingContext context);
}

/// <summary>Orders by a key per candidate (lower first); ties keep their configured order.</summary>
public abstract class KeyedStrategy : IRoutingStrategy
{
    public abstract string Name { get; }

    public void Order(List<RouteCandidate> group, RoutingContext context)
    {
        if (group.Count < 2)
        {
            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            // The index breaks ties by configuration order (List.Sort is not stable).
            group[i].SortKey = Key(group[i], context);
        }

        var indexed = group.Select((candidate, index) => (candidate, index)).ToArray();
        Array.Sort(indexed, static (a, b) => a.candidate.SortKey != b.candidate.SortKey ? a.candidate.SortKey.CompareTo(b.candidate.SortKey) : a.index.CompareTo(b.index));
        for (var i = 0; i < indexed.Length; i++)
        {
            group[i] = indexed[i].candidate;
        }
    }

    protected abstract double Key(RouteCandidate candidate, RoutingContext context);
}
