namespace ServerlessGateway.Configuration;

/// <summary>Where keys, counters and the usage ledger live. Read once at start-up (not reloadable).</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// "sqlite" (default: a file, shareable by several processes), "memory" (one process, lost on exit) or "cosmos"
    /// (Azure Cosmos DB for NoSQL: any number of instances; what the Azure deployment uses).
    /// </summary>
    public string Kind { get; set; } = StorageKinds.Sqlite;

    public string SqlitePath { get; set; } = ".gateway/gateway.db";

    public CosmosOptions Cosmos { get; set; } = new();
}

public static class StorageKinds
{
    public const string Sqlite = "sqlite";
    public const string Memory = "memory";
    public const string Cosmos = "cosmos";
}

/// <summary>Limits, budgets, prices, the ledger and alerts (issue 6).</summary>
public sealed class GovernanceOptions
{
    /// <summary>IANA zone budget periods align to (UTC is used inside).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Output tokens assumed for admission when a request sets no max_tokens and the model's maximum is unknown.</summary>
    public int DefaultMaxTokens { get; set; } = 4096;

    public BudgetPolicyOptions BudgetPolicy { get; set; } = new();

    public LedgerOptions Ledger { get; set; } = new();

    public AlertOptions Alerts { get; set; } = new();
}

public sealed class BudgetPolicyOptions
{
    /// <summary>Fractions of a budget whose crossing sends one alert per window.</summary>
    public List<decimal> AlertThresholds { get; set; } = [0.5m, 0.8m, 0.95m, 1.0m];

    /// <summary>At this fraction a model with a DowngradeTo is served by that cheaper model instead (null: never).</summary>
    public decimal? DowngradeAt { get; set; } = 0.9m;

    /// <summary>Logical models never refused or downgraded by budgets (free or local models; zero-priced ones are exempt anyway).</summary>
    public List<string> ExemptModels { get; set; } = [];
}

public sealed class LedgerOptions
{
    /// <summary>Records held in memory waiting for the writer; past this they spill to a file, never dropped.</summary>
    public int QueueCapacity { get; set; } = 50_000;

    public int BatchSize { get; set; } = 500;

    public int FlushIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Where records go when the queue is full (the writer drains it when the store keeps up again).</summary>
    public string SpillPath { get; set; } = ".gateway/usage-spill.jsonl";

    /// <summary>How often the local timer runs the spend roll-up job (the Azure timer trigger replaces it there).</summary>
    public int RollupIntervalSeconds { get; set; } = 60;
}

public sealed class AlertOptions
{
    public List<WebhookOptions> Webhooks { get; set; } = [];
}

public sealed class WebhookOptions
{
    public string? Url { get; set; }

    /// <summary>"json" (generic), "slack" or "teams".</summary>
    public string Format { get; set; } = "json";
}

/// <summary>Limits and a budget as written in configuration or sent to the admin API.</summary>
public sealed class LimitOptions
{
    public int? RequestsPerMinute { get; set; }

    public long? TokensPerMinute { get; set; }

    public int? MaxParallel { get; set; }

    /// <summary>Per logical model: the same three limits for this scope's traffic to that model.</summary>
    public Dictionary<string, LimitOptions> PerModel { get; set; } = new(StringComparer.Ordinal);
}

public sealed class BudgetOptions
{
    public decimal? MaxUsd { get; set; }

    /// <summary>"none", "daily", "weekly", "monthly" or "days" (with <see cref="PeriodDays"/>).</summary>
    public string Period { get; set; } = "monthly";

    public int? PeriodDays { get; set; }
}
