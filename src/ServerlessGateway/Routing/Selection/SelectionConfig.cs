using System.Collections.Frozen;

namespace ServerlessGateway.Routing.Selection;

/// <summary>Gateway:Routing's routes and auto model and every model's canary, validated and compiled once per configuration.</summary>
public sealed class SelectionConfig
{
    public static SelectionConfig None { get; } = new([], null, FrozenDictionary<string, CanarySplit>.Empty, []);

    public SelectionConfig(IReadOnlyList<ConditionalRoute> routes, AutoRouting? auto, FrozenDictionary<string, CanarySplit> canaries, IEnumerable<string> models)
    {
        Routes = routes;
        Auto = auto;
        Canaries = canaries;
        ExtraModelNames = auto is null ? [] : [auto.ModelName];

        // The common case — no route matched, no tier, no canary — answers with one of these instead of a new object.
        AsRequested = models.ToFrozenDictionary(name => name, name => new ModelSelection(name), StringComparer.Ordinal);
    }

    /// <summary>In order; the first that applies to the requested model and whose condition holds wins.</summary>
    public IReadOnlyList<ConditionalRoute> Routes { get; }

    /// <summary>The auto model, when Gateway:Routing:Auto names tiers.</summary>
    public AutoRouting? Auto { get; }

    /// <summary>Logical model → its canary.</summary>
    public FrozenDictionary<string, CanarySplit> Canaries { get; }

    /// <summary>Names callers may use besides the configured models: the auto model's, if there is one.</summary>
    public IReadOnlyList<string> ExtraModelNames { get; }

    internal FrozenDictionary<string, ModelSelection> AsRequested { get; }

    public bool IsAutoModel(string name) => Auto is not null && string.Equals(Auto.ModelName, name, StringComparison.Ordinal);
}

/// <summary>A compiled route: for the requested models it names (or any), when its condition holds, serve <see cref="Model"/>.</summary>
public sealed class ConditionalRoute(string name, FrozenSet<string>? forModels, RouteCondition when, string model)
{
    public string Name { get; } = name;

    /// <summary>Null means every requested model.</summary>
    public FrozenSet<string>? ForModels { get; } = forModels;

    public RouteCondition When { get; } = when;

    public string Model { get; } = model;

    public bool Matches(in SelectionInput input) =>
        (ForModels is null || ForModels.Contains(input.Request.Model)) && When.IsMet(input);
}
