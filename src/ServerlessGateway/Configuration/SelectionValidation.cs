using System.Collections.Frozen;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Validates and compiles model selection — Gateway:Routing:Routes, Gateway:Routing:Auto and every model's
/// Canary — adding each problem, with its configuration path, to the document's errors.
/// </summary>
public static class SelectionValidation
{
    public static SelectionConfig Validate(GatewayOptions options, List<string> errors)
    {
        var auto = AutoRoutingValidation.Validate(options.Routing.Auto, options.Models, errors);
        // An auto model with its own errors still counts as a name here, so its routes are not reported twice.
        var autoName = options.Routing.Auto is { Tiers.Count: > 0 } written ? written.ModelName : null;
        var routes = Routes(options.Routing.Routes, name => options.Models.ContainsKey(name) || name == autoName, errors);
        var canaries = Canaries(options.Models, errors);
        return new SelectionConfig(routes, auto, canaries, options.Models.Keys);
    }

    private static List<ConditionalRoute> Routes(List<RouteOptions> routes, Func<string, bool> isModel, List<string> errors)
    {
        var compiled = new List<ConditionalRoute>(routes.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var where = $"Gateway:Routing:Routes:{i}";
            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(route.Name) || !names.Add(route.Name))
            {
                errors.Add($"{where}:Name must be set and unique among the routes; it is '{route.Name}'.");
            }

            foreach (var requested in route.ForModels.Where(m => !isModel(m)))
            {
                errors.Add($"{where}:ForModels names '{requested}', which is neither under Gateway:Models nor the auto model.");
            }

            if (route.Model is null || !isModel(route.Model))
            {
                errors.Add($"{where}:Model must name a model under Gateway:Models or the auto model; it is '{route.Model}'.");
            }

            var when = RouteConditionCompiler.Compile(route.When, where + ":When", errors);
            if (errors.Count == before)
            {
                var forModels = route.ForModels.Count == 0 ? null : route.ForModels.ToFrozenSet(StringComparer.Ordinal);
                compiled.Add(new ConditionalRoute(route.Name!, forModels, when!, route.Model!));
            }
        }

        return compiled;
    }

    private static FrozenDictionary<string, CanarySplit> Canaries(Dictionary<string, ModelOptions> models, List<string> errors)
    {
        var canaries = new Dictionary<string, CanarySplit>(StringComparer.Ordinal);
        foreach (var (name, model) in models)
        {
            if (model.Canary is not { } canary)
            {
                continue;
            }

            var where = $"Gateway:Models:{name}:Canary";
            var before = errors.Count;
            if (canary.Model is null || canary.Model == name || !models.ContainsKey(canary.Model))
            {
                errors.Add($"{where}:Model must name another model under Gateway:Models; it is '{canary.Model}'.");
            }

            if (!(canary.Percent is >= 0 and <= 100))
            {
                errors.Add($"{where}:Percent must be between 0 and 100; it is {canary.Percent}.");
            }

            if (canary.StickyBy is not (CanaryStickiness.None or CanaryStickiness.User or CanaryStickiness.Conversation))
            {
                errors.Add($"{where}:StickyBy must be {CanaryStickiness.None}, {CanaryStickiness.User} or {CanaryStickiness.Conversation}; it is '{canary.StickyBy}'.");
            }

            if (errors.Count == before)
            {
                canaries[name] = new CanarySplit(name, canary.Model!, canary.Percent, canary.StickyBy);
            }
        }

        return canaries.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
