namespace ServerlessGateway.Storage.Cosmos;

/// <summary>
/// The containers of the gateway's Cosmos DB database, declared in infra-bicep (the app never creates them). Every
/// container is partitioned on <see cref="PartitionKeyPath"/>, a value each store chooses so that hot keys do not
/// share a logical partition; containers in <see cref="WithTimeToLive"/> have TTL on with no default (per-item "ttl").
/// </summary>
public static class CosmosContainers
{
    public const string PartitionKeyPath = "/pk";

    /// <summary>Virtual keys, their hash lookups, organisations, teams and users.</summary>
    public const string Identity = "identity";

    /// <summary>Rate-limit windows, leases, parallel slots and budget reservations: conditional-patch counters.</summary>
    public const string Counters = "counters";

    /// <summary>Usage records (the ledger), idempotent by request id and attempt.</summary>
    public const string Ledger = "ledger";

    /// <summary>Spend per budget window and the marks that deduplicate budget alerts.</summary>
    public const string Spend = "spend";

    /// <summary>Hourly and daily spend roll-ups and the roll-up watermark.</summary>
    public const string Rollups = "rollups";

    /// <summary>The exact response cache.</summary>
    public const string Cache = "cache";

    /// <summary>The semantic cache: entries with their embedding at <see cref="VectorPath"/>, under a vector index.</summary>
    public const string Semantic = "semantic";

    /// <summary>Where a semantic entry keeps its embedding (float32, cosine; dimensions from the configured embedder).</summary>
    public const string VectorPath = "/embedding";

    public static readonly IReadOnlyList<string> All = [Identity, Counters, Ledger, Spend, Rollups, Cache, Semantic];

    public static readonly IReadOnlyList<string> WithTimeToLive = [Counters, Cache, Semantic];
}
