namespace ServerlessGateway.Configuration;

/// <summary>Gateway:Caching's rules; every problem is listed at start-up (and a reload with one is refused).</summary>
public static class CachingValidation
{
    public static void Validate(CachingOptions options, StorageOptions storage, List<string> errors)
    {
        const string Where = "Gateway:Caching";
        if (options.Store.Length == 0)
        {
            // The storage kind's own: the embedded default keeps answers in its SQLite file.
            options.Store = storage.Kind == StorageKinds.Sqlite ? StorageKinds.Sqlite : StorageKinds.Memory;
        }

        if (options.SqlitePath.Length == 0)
        {
            options.SqlitePath = Path.ChangeExtension(storage.SqlitePath, ".cache.db");
        }

        OneOf(errors, Where + ":Store", options.Store, [StorageKinds.Memory, StorageKinds.Sqlite]);
        if (Path.GetFullPath(options.SqlitePath) == Path.GetFullPath(storage.SqlitePath))
        {
            errors.Add($"{Where}:SqlitePath must not be the storage file ({storage.SqlitePath}): the cache has a file of its own.");
        }

        if (options.DefaultTtlSeconds > options.MaxTtlSeconds)
        {
            errors.Add($"{Where}:DefaultTtlSeconds ({options.DefaultTtlSeconds}) is larger than MaxTtlSeconds ({options.MaxTtlSeconds}).");
        }

        OneOf(errors, Where + ":Eligibility", options.Eligibility, CacheEligibility.All);
        OneOf(errors, Where + ":TenantScope", options.TenantScope, CacheTenantScopes.All);
        Positive(errors, Where + ":DefaultTtlSeconds", options.DefaultTtlSeconds);
        Positive(errors, Where + ":MaxTtlSeconds", options.MaxTtlSeconds);
        Positive(errors, Where + ":MaxEntryBytes", options.MaxEntryBytes);
        Positive(errors, Where + ":MemoryMaxBytes", options.MemoryMaxBytes);
        Positive(errors, Where + ":MaxEntries", options.MaxEntries);
        Positive(errors, Where + ":Semantic:MaxEntries", options.Semantic.MaxEntries);
        Positive(errors, Where + ":Semantic:MaxIndexedPerSecond", options.Semantic.MaxIndexedPerSecond);
        Positive(errors, Where + ":PurgeIntervalSeconds", options.PurgeIntervalSeconds);

        var semantic = options.Semantic;
        OneOf(errors, Where + ":Semantic:Mode", semantic.Mode, SemanticModes.All);
        OneOf(errors, Where + ":Semantic:Embedder", semantic.Embedder, [Caching.Semantic.EmbedderNames.Local, Caching.Semantic.EmbedderNames.Gateway]);
        Threshold(errors, Where + ":Semantic:Threshold", semantic.Threshold);
        if (semantic.Candidates is < 1 or > 32)
        {
            errors.Add($"{Where}:Semantic:Candidates must be between 1 and 32.");
        }

        if (semantic.Embedder == Caching.Semantic.EmbedderNames.Gateway && (string.IsNullOrWhiteSpace(semantic.EmbeddingModel) || string.IsNullOrWhiteSpace(semantic.EmbeddingKey)))
        {
            errors.Add($"{Where}:Semantic: the \"gateway\" embedder needs EmbeddingModel (a logical embedding model) and EmbeddingKey (the virtual key it calls with).");
        }

        for (var i = 0; i < options.Overrides.Count; i++)
        {
            var entry = options.Overrides[i];
            var where = $"{Where}:Overrides:{i}";
            if (new[] { entry.Key, entry.Team, entry.Model }.Count(n => !string.IsNullOrWhiteSpace(n)) != 1)
            {
                errors.Add($"{where} must name exactly one of Key, Team or Model.");
            }

            if (entry.Mode is { } mode)
            {
                OneOf(errors, where + ":Mode", mode, SemanticModes.All);
            }

            if (entry.Threshold is { } threshold)
            {
                Threshold(errors, where + ":Threshold", threshold);
            }
        }
    }

    private static void OneOf(List<string> errors, string where, string value, string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"{where} is \"{value}\"; it must be one of: {string.Join(", ", allowed)}.");
        }
    }

    private static void Positive(List<string> errors, string where, long value)
    {
        if (value <= 0)
        {
            errors.Add($"{where} must be greater than 0.");
        }
    }

    private static void Threshold(List<string> errors, string where, double value)
    {
        if (value is <= 0 or > 1 || double.IsNaN(value))
        {
            errors.Add($"{where} must be a cosine similarity in (0, 1].");
        }
    }
}
