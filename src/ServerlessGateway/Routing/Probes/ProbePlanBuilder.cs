using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Probes;

/// <summary>
/// Compiles Gateway:Probes and the deployments' Probe and ProbeKind settings into a <see cref="ProbePlan"/>, listing every
/// problem with its path. A deployment listed under several models is one deployment: it is probed once, and its
/// settings, where given more than once, must agree.
/// </summary>
public static class ProbePlanBuilder
{
    private const string Chat = "chat";
    private const string Embeddings = "embeddings";

    public static ProbePlan Build(GatewayOptions options, IReadOnlyDictionary<string, LogicalModel> models, List<string> errors)
    {
        var probes = options.Probes;
        if (probes.IntervalSeconds is < 1 or > 86_400)
        {
            errors.Add($"Gateway:Probes:IntervalSeconds must be between 1 and 86400; it is {probes.IntervalSeconds}.");
        }

        if (probes.TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"Gateway:Probes:TimeoutSeconds must be between 1 and 300; it is {probes.TimeoutSeconds}.");
        }

        if (probes.MaxConcurrency is < 1 or > 64)
        {
            errors.Add($"Gateway:Probes:MaxConcurrency must be between 1 and 64; it is {probes.MaxConcurrency}.");
        }

        var enabled = new Dictionary<string, (bool Value, string Where)>(StringComparer.Ordinal);
        var kinds = new Dictionary<string, (ProbeKind Value, string Where)>(StringComparer.Ordinal);
        var modelsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (modelName, model) in options.Models)
        {
            for (var i = 0; i < model.Deployments.Count; i++)
            {
                var deployment = model.Deployments[i];
                var where = $"Gateway:Models:{modelName}:Deployments:{i}";
                var kind = Kind(deployment.ProbeKind, where, errors);
                if (deployment.Provider is null || deployment.Model is null)
                {
                    continue; // the deployment's own error is already listed
                }

                // The name GatewaySnapshotBuilder gives the deployment.
                var name = $"{deployment.Provider}/{deployment.Model}";
                Agree(enabled, name, deployment.Probe, where + ":Probe", errors);
                Agree(kinds, name, kind, where + ":ProbeKind", errors);
                modelsOf.TryAdd(name, []);
                modelsOf[name].Add(modelName);
            }
        }

        var targets = new List<ProbeTarget>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var modelName in options.Models.Keys)
        {
            if (!models.TryGetValue(modelName, out var model))
            {
                continue;
            }

            // Usable deployments only: a disabled one's provider lacks a secret or URL, and readiness already says so.
            foreach (var deployment in model.Deployments)
            {
                if (!seen.Add(deployment.Name))
                {
                    continue;
                }

                var probed = enabled.TryGetValue(deployment.Name, out var set) ? set.Value : deployment.Price is { IsFree: true };
                if (probed)
                {
                    var kind = kinds.TryGetValue(deployment.Name, out var given) ? given.Value : Guess(deployment, modelsOf.GetValueOrDefault(deployment.Name) ?? [modelName]);
                    targets.Add(new ProbeTarget(deployment, kind, modelName));
                }
            }
        }

        return new ProbePlan
        {
            Enabled = probes.Enabled,
            Interval = TimeSpan.FromSeconds(probes.IntervalSeconds),
            Timeout = TimeSpan.FromSeconds(probes.TimeoutSeconds),
            MaxConcurrency = probes.MaxConcurrency,
            Targets = targets,
        };
    }

    private static ProbeKind? Kind(string? kind, string where, List<string> errors)
    {
        switch (kind?.ToLowerInvariant())
        {
            case null:
                return null;
            case Chat:
                return ProbeKind.Chat;
            case Embeddings:
                return ProbeKind.Embeddings;
            default:
                errors.Add($"{where}:ProbeKind must be '{Chat}' or '{Embeddings}'; it is '{kind}'.");
                return null;
        }
    }

    private static void Agree<T>(Dictionary<string, (T Value, string Where)> settings, string name, T? value, string where, List<string> errors)
        where T : struct
    {
        if (value is not { } given)
        {
            return;
        }

        if (!settings.TryAdd(name, (given, where)) && !EqualityComparer<T>.Default.Equals(settings[name].Value, given))
        {
            errors.Add($"{where} and {settings[name].Where} disagree about deployment '{name}', which is probed once: set them the same way, or set it once.");
        }
    }

    /// <summary>
    /// Nothing in the configuration says what a model is for, but embedding models say it in their names
    /// (text-embedding-3-small, nomic-embed-text, gemini-embedding-001, embed-english-v3.0): those get an embeddings probe.
    /// </summary>
    private static ProbeKind Guess(Deployment deployment, IEnumerable<string> models) =>
        models.Prepend(deployment.UpstreamModel).Any(name => name.Contains("embed", StringComparison.OrdinalIgnoreCase)) ? ProbeKind.Embeddings : ProbeKind.Chat;
}
