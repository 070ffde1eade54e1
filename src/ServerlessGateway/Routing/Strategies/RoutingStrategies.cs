using System.Collections.Frozen;

namespace ServerlessGateway.Routing.Strategies;

/// <summary>The registered strategies by name (configuration names one per model; validation checks it exists).</summary>
public sealed class RoutingStrategies(IEnumerable<IRoutingStrategy> strategies)
{
    private readonly FrozenDictionary<string, IRoutingStrategy> byName = strategies.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    public IRoutingStrategy For(string name) => byName[name];
}
