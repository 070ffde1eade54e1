using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Alerts;
using ServerlessGateway.Auth;
using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing.Probes;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Validates the whole document and compiles it into a <see cref="GatewaySnapshot"/>. Every error is
/// collected, so a misconfiguration is reported in one go rather than one restart at a time.
/// Structural errors (unknown provider type, dangling reference, bad URL) reject the document;
/// a provider whose secret is missing is only switched off and reported by readiness.
/// </summary>
public sealed class GatewaySnapshotBuilder(EnvironmentReferences environment, TimeProvider time)
{
    public const string MasterKeyName = "master";

    public SnapshotResult Build(GatewayOptions options)
    {
        var errors = new List<string>();
        var problems = new List<string>();

        if (options.MaxRequestBodyBytes is < 1024 or > 100L * 1024 * 1024)
        {
            errors.Add($"Gateway:MaxRequestBodyBytes must be between 1024 and 104857600 (Azure Functions' limit); it is {options.MaxRequestBodyBytes}.");
        }

        if (options.StreamKeepAliveSeconds is < 1 or > 230)
        {
            errors.Add($"Gateway:StreamKeepAliveSeconds must be between 1 and 230; it is {options.StreamKeepAliveSeconds}.");
        }

        var providers = new Dictionary<string, ProviderRuntime>(StringComparer.Ordinal);
        foreach (var (name, provider) in options.Providers)
        {
            if (BuildProvider(name, provider, errors) is { } runtime)
            {
                providers[name] = runtime;
            }
        }

        var prices = PriceTable.Build(options.Prices, errors);
        var models = BuildModels(options, providers, prices, errors, problems);
        var probes = ProbePlanBuilder.Build(options, models, errors);
        problems.AddRange(DeploymentPricing.Problems(models.Values));
        WebhookValidation.Validate(options.Governance.Alerts, errors);
        RoutingValidation.Validate(options, errors);
        CachingValidation.Validate(options.Caching, options.Storage, errors);
        var selection = SelectionValidation.Validate(options, errors);
        var keys = BuildKeys(options, models, selection, errors);
        var timeZone = GovernanceValidation.Validate(options, environment, errors);

        if (errors.Count > 0)
        {
            return new SnapshotResult(null, errors);
        }

        return new SnapshotResult(
            new GatewaySnapshot
            {
                MaxRequestBodyBytes = options.MaxRequestBodyBytes,
                StreamKeepAlive = TimeSpan.FromSeconds(options.StreamKeepAliveSeconds),
                Models = models.ToFrozenDictionary(StringComparer.Ordinal),
                Resilience = options.Resilience,
                Selection = selection,
                Keys = keys,
                Storage = options.Storage,
                Governance = options.Governance,
                TimeZone = timeZone,
                Prices = prices,
                Probes = probes,
                Caching = options.Caching,
                Problems = problems,
                LoadedAt = time.GetUtcNow(),
            },
            errors);
    }

    private ProviderRuntime? BuildProvider(string name, ProviderOptions provider, List<string> errors)
    {
        var where = $"Gateway:Providers:{name}";
        if (provider.Type is null || !ProviderTypes.All.Contains(provider.Type))
        {
            errors.Add($"{where}:Type must be one of {string.Join(", ", ProviderTypes.All)}; it is '{provider.Type}'.");
            return null;
        }

        DeploymentTimeoutsReader.Validate(where, provider.Timeouts, provider.TimeoutSeconds, errors);

        ValidateMock(where, provider, errors);
        string? problem = null;
        var apiKey = environment.Resolve(provider.ApiKey, out var missingKey);
        var auth = provider.Auth ?? DefaultAuth(provider.Type);
        if (!AuthModesFor(provider.Type).Contains(auth))
        {
            errors.Add($"{where}:Auth must be one of {string.Join(", ", AuthModesFor(provider.Type))} for {provider.Type}; it is '{auth}'.");
        }

        if (missingKey is not null)
        {
            problem = $"provider '{name}' needs environment variable {missingKey} (its ApiKey)";
        }
        else if (auth is ProviderAuthModes.Bearer or ProviderAuthModes.ApiKey && provider.Type != ProviderTypes.OpenAICompatible && string.IsNullOrEmpty(apiKey))
        {
            problem = $"provider '{name}' has no ApiKey";
        }

        if (provider.Type == ProviderTypes.AzureOpenAI)
        {
            var shape = provider.ApiShape ?? AzureApiShapes.Deployments;
            if (shape is not (AzureApiShapes.Deployments or AzureApiShapes.V1))
            {
                errors.Add($"{where}:ApiShape must be '{AzureApiShapes.Deployments}' or '{AzureApiShapes.V1}'; it is '{shape}'.");
            }
        }

        return new ProviderRuntime
        {
            Name = name,
            Type = provider.Type,
            AuthMode = auth,
            ApiKey = apiKey,
            StreamUsage = provider.StreamUsage,
            Mock = provider.Mock,
            Problem = problem,
        };
    }

    private static void ValidateMock(string where, ProviderOptions provider, List<string> errors)
    {
        if (provider.Type != ProviderTypes.Mock)
        {
            return;
        }

        var mock = provider.Mock;
        if (mock.Mode is not ("echo" or "template"))
        {
            errors.Add($"{where}:Mock:Mode must be 'echo' or 'template'; it is '{mock.Mode}'.");
        }

        if (mock.LatencyMs is < 0 or > 600_000 || mock.ChunkDelayMs is < 0 or > 60_000)
        {
            errors.Add($"{where}:Mock:LatencyMs and ChunkDelayMs must be between 0 and 600000 / 60000.");
        }

        if (mock.WordsPerChunk is < 1 or > 1000 || mock.EmbeddingDimensions is < 1 or > 8192)
        {
            errors.Add($"{where}:Mock:WordsPerChunk must be 1..1000 and EmbeddingDimensions 1..8192.");
        }
    }

    private Dictionary<string, LogicalModel> BuildModels(
        GatewayOptions options, Dictionary<string, ProviderRuntime> providers, PriceTable prices, List<string> errors, List<string> problems)
    {
        var models = new Dictionary<string, LogicalModel>(StringComparer.Ordinal);
        foreach (var (modelName, model) in options.Models)
        {
            var where = $"Gateway:Models:{modelName}";
            if (model.Deployments.Count == 0)
            {
                errors.Add($"{where}:Deployments must list at least one deployment.");
                continue;
            }

            var enabled = new List<Deployment>();
            var disabled = new List<Deployment>();
            for (var i = 0; i < model.Deployments.Count; i++)
            {
                var deployment = BuildDeployment($"{where}:Deployments:{i}", model.Deployments[i], options.Providers, providers, prices, errors);
                if (deployment is null)
                {
                    continue;
                }

                if (deployment.Provider.Problem is { } problem)
                {
                    disabled.Add(deployment);
                    if (!options.Providers[deployment.Provider.Name].Optional)
                    {
                        problems.Add($"model '{modelName}', deployment '{deployment.Name}': {problem}");
                    }
                }
                else
                {
                    enabled.Add(deployment);
                }
            }

            if (model.DowngradeTo is { } cheaper && (cheaper == modelName || !options.Models.ContainsKey(cheaper)))
            {
                errors.Add($"{where}:DowngradeTo must name another configured model; '{cheaper}' is not one.");
            }

            models[modelName] = new LogicalModel(modelName, enabled, disabled) { DowngradeTo = model.DowngradeTo, Policy = RoutingValidation.Policy(model) };
        }

        return models;
    }

    private Deployment? BuildDeployment(
        string where,
        DeploymentOptions deployment,
        Dictionary<string, ProviderOptions> providerOptions,
        Dictionary<string, ProviderRuntime> providers,
        PriceTable prices,
        List<string> errors)
    {
        if (deployment.Provider is null || !providerOptions.TryGetValue(deployment.Provider, out var provider))
        {
            errors.Add($"{where}:Provider '{deployment.Provider}' is not defined under Gateway:Providers.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(deployment.Model))
        {
            errors.Add($"{where}:Model must name the upstream model or Azure deployment.");
            return null;
        }

        DeploymentTimeoutsReader.Validate(where, deployment.Timeouts, deployment.TimeoutSeconds, errors);

        if (!providers.TryGetValue(deployment.Provider, out var runtime))
        {
            return null; // the provider's own error is already listed
        }

        var uris = DeploymentUris.Build(where, provider, deployment.Model, environment, errors);
        if (uris.Problem is not null)
        {
            runtime = CopyWithProblem(runtime, uris.Problem);
        }

        var price = DeploymentPricing.Resolve(prices, runtime.Type, deployment, where, errors);
        return new Deployment
        {
            Name = deployment.Name ?? $"{deployment.Provider}/{deployment.Model}",
            Provider = runtime,
            UpstreamModel = deployment.Model,
            UpstreamModelJson = JsonSerializer.SerializeToUtf8Bytes(deployment.Model, Contracts.GatewayJsonContext.Default.String),
            BaseUri = uris.Base,
            ChatCompletionsUri = uris.ChatCompletions,
            EmbeddingsUri = uris.Embeddings,
            Timeouts = DeploymentTimeoutsReader.Resolve(where, provider, deployment, errors),
            Price = price,
            Routing = RoutingValidation.Deployment(where, deployment, price, errors),
            Faults = FaultRulesCompiler.Compile(deployment.Faults, where + ":Faults", errors),
        };
    }

    private static ProviderRuntime CopyWithProblem(ProviderRuntime runtime, string problem) =>
        runtime.Problem is not null ? runtime : new ProviderRuntime
        {
            Name = runtime.Name,
            Type = runtime.Type,
            AuthMode = runtime.AuthMode,
            ApiKey = runtime.ApiKey,
            StreamUsage = runtime.StreamUsage,
            Mock = runtime.Mock,
            Problem = problem,
        };

    private KeyTable BuildKeys(GatewayOptions options, Dictionary<string, LogicalModel> models, SelectionConfig selection, List<string> errors)
    {
        var byHash = new Dictionary<string, CallerIdentity>(StringComparer.Ordinal);
        var masterKey = environment.Resolve(options.MasterKey, out _);
        if (!string.IsNullOrEmpty(masterKey))
        {
            AddKey(byHash, KeyTable.HashSecret(masterKey), new CallerIdentity(MasterKeyName, isAdmin: true, null), "Gateway:MasterKey", errors);
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { MasterKeyName };
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var where = $"Gateway:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                errors.Add($"{where}:Name must be set and unique (and not '{MasterKeyName}').");
                continue;
            }

            var hash = KeyHash(where, key, errors);
            if (hash is null)
            {
                continue;
            }

            FrozenSet<string>? allowed = null;
            if (key.Models.Count > 0 && !key.Models.Contains("*"))
            {
                foreach (var model in key.Models.Where(m => !models.ContainsKey(m) && !selection.IsAutoModel(m)))
                {
                    errors.Add($"{where}:Models names '{model}', which is not under Gateway:Models.");
                }

                allowed = key.Models.ToFrozenSet(StringComparer.Ordinal);
            }

            AddKey(byHash, hash, ConfiguredKey(key, allowed, where, errors), where, errors);
        }

        return new KeyTable(byHash.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A configured key's identity: its own scope (limits, budget) and ids; the resolver adds the directory's scopes.</summary>
    private static CallerIdentity ConfiguredKey(VirtualKeyOptions key, FrozenSet<string>? allowed, string where, List<string> errors)
    {
        var scope = new ScopeRef(ScopeLevel.Key, CallerIdentity.ConfiguredKeyId(key.Name!));
        return new CallerIdentity(key.Name!, isAdmin: false, allowed)
        {
            UserId = key.User,
            TeamId = key.Team,
            OrganizationId = key.Organization,
            Scopes = [new GovernedScope(scope, LimitSpecReader.Read(key.Limits, where + ":Limits", errors), BudgetSpecReader.Read(key.Budget, where + ":Budget", errors))],
            Tags = key.Tags.ToFrozenDictionary(StringComparer.Ordinal),
            AllowRoutingOverride = key.AllowRoutingOverride,
        };
    }

    private string? KeyHash(string where, VirtualKeyOptions key, List<string> errors)
    {
        if (key.KeySha256 is { } sha)
        {
            if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
            {
                errors.Add($"{where}:KeySha256 must be 64 hex characters.");
                return null;
            }

            return sha.ToLowerInvariant();
        }

        var secret = environment.Resolve(key.Key, out var missing);
        if (string.IsNullOrEmpty(secret))
        {
            errors.Add(missing is null ? $"{where}: set Key or KeySha256." : $"{where}:Key needs environment variable {missing}.");
            return null;
        }

        if (secret.Length < 8 || Encoding.UTF8.GetByteCount(secret) > 512)
        {
            errors.Add($"{where}:Key must be 8 to 512 bytes long.");
            return null;
        }

        return KeyTable.HashSecret(secret);
    }

    private static void AddKey(Dictionary<string, CallerIdentity> byHash, string hash, CallerIdentity identity, string where, List<string> errors)
    {
        if (!byHash.TryAdd(hash, identity))
        {
            errors.Add($"{where}: the same secret is already used by key '{byHash[hash].KeyName}'.");
        }
    }

    private static string DefaultAuth(string type) => type switch
    {
        ProviderTypes.AzureOpenAI or ProviderTypes.Anthropic or ProviderTypes.Gemini => ProviderAuthModes.ApiKey,
        ProviderTypes.OpenAI or ProviderTypes.OpenAICompatible => ProviderAuthModes.Bearer,
        _ => ProviderAuthModes.None,
    };

    private static string[] AuthModesFor(string type) => type switch
    {
        ProviderTypes.AzureOpenAI => [ProviderAuthModes.ApiKey, ProviderAuthModes.Entra],
        ProviderTypes.Anthropic => [ProviderAuthModes.ApiKey],
        ProviderTypes.Gemini => [ProviderAuthModes.ApiKey, ProviderAuthModes.Bearer],
        ProviderTypes.OpenAI or ProviderTypes.OpenAICompatible => [ProviderAuthModes.Bearer, ProviderAuthModes.None],
        _ => [ProviderAuthModes.None],
    };
}

public sealed record SnapshotResult(GatewaySnapshot? Snapshot, IReadOnlyList<string> Errors);
