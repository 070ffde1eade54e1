namespace ServerlessGateway.Configuration;

/// <summary>
/// Gateway:Caching — the exact cache (on by default, for deterministic requests only) and the semantic cache
/// (off by default; "shadow" measures it without serving). See docs/CACHING.md.
/// </summary>
public sealed class CachingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>"memory" or "sqlite"; empty: the storage kind's own (SQLite for the embedded default).</summary>
    public string Store { get; set; } = "";

    /// <summary>
    /// The SQLite store's own file (empty: beside the storage file, "gateway.cache.db" for "gateway.db"). Its own file,
    /// so cache writes never wait behind the ledger's, and it can be deleted at any time without losing anything.
    /// </summary>
    public string SqlitePath { get; set; } = "";

    /// <summary>Which requests the exact cache answers without being asked (<see cref="CacheEligibility"/>).</summary>
    public string Eligibility { get; set; } = CacheEligibility.Deterministic;

    /// <summary>"key": every virtual key has its own cache; "team": keys of one team share it (a key without a team keeps its own).</summary>
    public string TenantScope { get; set; } = CacheTenantScopes.Key;

    public int DefaultTtlSeconds { get; set; } = 3600;

    /// <summary>A caller's ttl is capped here.</summary>
    public int MaxTtlSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Answers larger than this are not stored.</summary>
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>The SQLite store's bound in entries: past it, the oldest are dropped first.</summary>
    public long MaxEntries { get; set; } = 100_000;

    /// <summary>The in-memory store's bound (it also sheds entries under memory pressure).</summary>
    public long MemoryMaxBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// How often expired entries are purged from the store; also how soon a process sees entries another process
    /// sharing the SQLite file stored (it answers misses from its own list of stored keys, refreshed then).
    /// </summary>
    public int PurgeIntervalSeconds { get; set; } = 60;

    public SemanticCacheOptions Semantic { get; set; } = new();

    /// <summary>
    /// Per key, team or logical model (each entry names exactly one): exact caching on or off, the semantic mode and
    /// threshold. A key's entry wins over its team's, a team's over a model's. (A list, not a map: key ids hold ':',
    /// which configuration keys cannot.)
    /// </summary>
    public List<CacheOverride> Overrides { get; set; } = [];
}

public sealed class SemanticCacheOptions
{
    /// <summary>"off", "shadow" (look up and record what would have been served, serve nothing) or "on".</summary>
    public string Mode { get; set; } = SemanticModes.Off;

    /// <summary>"local" (built in, no network) or "gateway" (this gateway's own /v1/embeddings).</summary>
    public string Embedder { get; set; } = "local";

    /// <summary>For the "gateway" embedder: the logical embedding model it asks for.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>For the "gateway" embedder: the virtual key its calls are made (and billed) with. Supports ${ENV}.</summary>
    public string? EmbeddingKey { get; set; }

    /// <summary>Cosine similarity a cached question must reach (the benchmark's recommendation; see docs/BENCHMARKS.md).</summary>
    public double Threshold { get; set; } = 0.9;

    /// <summary>The second-stage check (negations, numbers, entities, polarity, order) before a hit is served.</summary>
    public bool Guard { get; set; } = true;

    /// <summary>The vector index's bound (all partitions together): past it, the oldest entries leave the index.</summary>
    public int MaxEntries { get; set; } = 20_000;

    /// <summary>
    /// Entries added to the vector index per second, at most (past it, answers are stored for exact lookups only). An
    /// HNSW insert costs a search and more, under the partition's write lock: unbounded, a flood of unique questions
    /// would keep every lookup waiting.
    /// </summary>
    public int MaxIndexedPerSecond { get; set; } = 200;

    /// <summary>Nearest entries checked per lookup (the best that passes the guard is served).</summary>
    public int Candidates { get; set; } = 3;
}

public sealed class CacheOverride
{
    /// <summary>A virtual key: its id, or for a configured key its name.</summary>
    public string? Key { get; set; }

    public string? Team { get; set; }

    public string? Model { get; set; }

    /// <summary>False keeps this tenant's or model's answers out of the exact cache too.</summary>
    public bool? Exact { get; set; }

    public string? Mode { get; set; }

    public double? Threshold { get; set; }
}

public static class CacheEligibility
{
    /// <summary>temperature 0, or a seed, or the caller opted in.</summary>
    public const string Deterministic = "deterministic";

    /// <summary>Every request unless the caller opts out.</summary>
    public const string Always = "always";

    /// <summary>Only requests that opt in.</summary>
    public const string OptIn = "opt-in";

    public static readonly string[] All = [Deterministic, Always, OptIn];
}

public static class CacheTenantScopes
{
    public const string Key = "key";
    public const string Team = "team";

    public static readonly string[] All = [Key, Team];
}

public static class SemanticModes
{
    public const string Off = "off";
    public const string Shadow = "shadow";
    public const string On = "on";

    public static readonly string[] All = [Off, Shadow, On];
}
