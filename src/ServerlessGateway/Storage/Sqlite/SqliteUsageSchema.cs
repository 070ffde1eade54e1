namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// The usage ledger's tables. Money is TEXT holding an exact decimal (summed in C#, never by SQL, whose SUM would
/// go through doubles). Records are unique by (request_id, attempt); seq orders them by insertion for the roll-up
/// watermark (SQLite serialises writers, so seq order is commit order).
/// </summary>
internal static class SqliteUsageSchema
{
    public const string Component = "usage-ledger";

    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE usage_records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            ts_ms INTEGER NOT NULL,
            hour_start INTEGER NOT NULL,
            day_start INTEGER NOT NULL,
            key_id TEXT NOT NULL,
            user_id TEXT,
            team_id TEXT,
            organization_id TEXT,
            requested_model TEXT NOT NULL,
            served_model TEXT,
            deployment TEXT,
            provider TEXT,
            input_tokens INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            cache_write_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            usage_estimated INTEGER NOT NULL,
            cost_usd TEXT NOT NULL,
            latency_ms REAL NOT NULL,
            ttft_ms REAL,
            cache_status TEXT NOT NULL,
            status INTEGER NOT NULL,
            error TEXT,
            tags TEXT NOT NULL,
            budgets TEXT NOT NULL,
            UNIQUE (request_id, attempt));
        CREATE INDEX usage_records_time ON usage_records (ts_ms DESC, seq DESC);
        CREATE INDEX usage_records_hour ON usage_records (hour_start);
        CREATE INDEX usage_records_day ON usage_records (day_start);
        CREATE TABLE budget_spend (
            scope TEXT NOT NULL,
            window_id TEXT NOT NULL,
            spent_usd TEXT NOT NULL,
            PRIMARY KEY (scope, window_id));
        CREATE TABLE budget_alerts (alert_id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
        CREATE TABLE spend_rollups (
            granularity TEXT NOT NULL,
            bucket_start INTEGER NOT NULL,
            tag TEXT NOT NULL,
            key_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            team_id TEXT NOT NULL,
            organization_id TEXT NOT NULL,
            model TEXT NOT NULL,
            requested_model TEXT NOT NULL,
            requests INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            cache_write_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cost_usd TEXT NOT NULL,
            PRIMARY KEY (granularity, bucket_start, tag, key_id, user_id, team_id, organization_id, model, requested_model));
        CREATE TABLE rollup_state (name TEXT PRIMARY KEY, watermark INTEGER NOT NULL);
        """,

        // 2: the routing decision trace and the canary/A-B variant of each attempt.
        "ALTER TABLE usage_records ADD COLUMN route TEXT; ALTER TABLE usage_records ADD COLUMN variant TEXT;",

        // 3: what an answer served from the cache saved (exact decimal text, like cost_usd).
        "ALTER TABLE usage_records ADD COLUMN saved_usd TEXT NOT NULL DEFAULT '0';",
    ];

    /// <summary>How many columns <see cref="RecordColumns"/> names (queries that select more read them from here on).</summary>
    public const int RecordColumnCount = 29;

    public const string RecordColumns =
        "seq, request_id, attempt, ts_ms, key_id, user_id, team_id, organization_id, requested_model, served_model, deployment, provider, "
        + "input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, usage_estimated, cost_usd, latency_ms, ttft_ms, "
        + "cache_status, status, error, tags, budgets, route, variant, saved_usd";
}
