using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Ledger.Rollups;

using static ServerlessGateway.Storage.Sqlite.SqliteFields;
namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// The usage ledger in the shared SQLite file. Several processes may write the same records at once: the unique
/// (request_id, attempt) makes a second insert a no-op, and spend is added only for rows this transaction inserted,
/// so a budget window's spend is exact however often a batch is retried.
/// </summary>
public sealed partial class SqliteUsageStore : IUsageStore, ISpendRollupStore
{
    private const string InsertSql =
        "INSERT OR IGNORE INTO usage_records (request_id, attempt, ts_ms, hour_start, day_start, key_id, user_id, team_id, organization_id, "
        + "requested_model, served_model, deployment, provider, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, "
        + "usage_estimated, cost_usd, latency_ms, ttft_ms, cache_status, status, error, tags, budgets, route, variant, saved_usd) VALUES ($request_id, $attempt, $ts_ms, $hour_start, "
        + "$day_start, $key_id, $user_id, $team_id, $organization_id, $requested_model, $served_model, $deployment, $provider, $input_tokens, "
        + "$cached_input_tokens, $cache_write_tokens, $output_tokens, $reasoning_tokens, $usage_estimated, $cost_usd, $latency_ms, $ttft_ms, "
        + "$cache_status, $status, $error, $tags, $budgets, $route, $variant, $saved_usd)";

    private readonly SqliteDatabase database;
    private readonly TimeZoneInfo zone;

    public SqliteUsageStore(SqliteDatabase database, TimeZoneInfo zone)
    {
        this.database = database;
        this.zone = zone;
        database.Migrate(SqliteUsageSchema.Component, SqliteUsageSchema.Migrations);
    }

    public Task<IReadOnlyList<BudgetSpend>> WriteBatchAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<BudgetSpend>>(
            async () =>
            {
                using var turn = await database.WriteTurnAsync(cancellationToken);
                return WriteBatch(records);
            },
            cancellationToken);

    public Task<bool> TryMarkAlertAsync(string alertId, DateTimeOffset at, CancellationToken cancellationToken) => Task.Run(
        async () =>
        {
            using var turn = await database.WriteTurnAsync(cancellationToken);
            using var connection = database.Open();
            using var command = Command(connection, null, "INSERT OR IGNORE INTO budget_alerts (alert_id, at_ms) VALUES ($id, $at)");
            command.Parameters.AddWithValue("$id", alertId);
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        },
        cancellationToken);

    public Task<decimal> GetSpendAsync(string scope, string windowId, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            using var connection = database.Open();
            return ReadSpend(connection, null, scope, windowId);
        },
        cancellationToken);

    private List<BudgetSpend> WriteBatch(IReadOnlyList<UsageRecord> records)
    {
        using var connection = database.Open();

        // Immediate: take the write lock first, so the spend read-add-write below cannot interleave with another process.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var insert = Command(connection, transaction, InsertSql);
        var added = new Dictionary<(string Scope, string WindowId), decimal>();
        var charged = new Dictionary<(string Scope, string WindowId), BudgetCharge>();
        foreach (var record in records)
        {
            Bind(insert, record);
            var inserted = insert.ExecuteNonQuery() == 1;
            foreach (var charge in record.Budgets)
            {
                charged[(charge.Scope, charge.WindowId)] = charge;
                if (inserted)
                {
                    added[(charge.Scope, charge.WindowId)] = added.GetValueOrDefault((charge.Scope, charge.WindowId)) + record.CostUsd;
                }
            }
        }

        foreach (var ((scope, windowId), amount) in added)
        {
            var spent = ReadSpend(connection, transaction, scope, windowId) + amount;
            using var upsert = Command(
                connection,
                transaction,
                "INSERT INTO budget_spend (scope, window_id, spent_usd) VALUES ($s, $w, $v) ON CONFLICT (scope, window_id) DO UPDATE SET spent_usd = $v");
            upsert.Parameters.AddWithValue("$s", scope);
            upsert.Parameters.AddWithValue("$w", windowId);
            upsert.Parameters.AddWithValue("$v", Money(spent));
            upsert.ExecuteNonQuery();
        }

        var totals = charged.Values
            .Select(c => new BudgetSpend(c.Scope, c.WindowId, c.WindowStart, c.WindowEnd, c.MaxUsd, ReadSpend(connection, transaction, c.Scope, c.WindowId)))
            .ToList();
        transaction.Commit();
        return totals;
    }

    private void Bind(SqliteCommand insert, UsageRecord record)
    {
        var p = insert.Parameters;
        p.Clear();
        p.AddWithValue("$request_id", record.RequestId);
        p.AddWithValue("$attempt", record.Attempt);
        p.AddWithValue("$ts_ms", record.Timestamp.ToUnixTimeMilliseconds());
        p.AddWithValue("$hour_start", UsageBuckets.HourStart(record.Timestamp).ToUnixTimeSeconds());
        p.AddWithValue("$day_start", UsageBuckets.DayStart(record.Timestamp, zone).ToUnixTimeSeconds());
        p.AddWithValue("$key_id", record.KeyId);
        p.AddWithValue("$user_id", (object?)record.UserId ?? DBNull.Value);
        p.AddWithValue("$team_id", (object?)record.TeamId ?? DBNull.Value);
        p.AddWithValue("$organization_id", (object?)record.OrganizationId ?? DBNull.Value);
        p.AddWithValue("$requested_model", record.RequestedModel);
        p.AddWithValue("$served_model", (object?)record.ServedModel ?? DBNull.Value);
        p.AddWithValue("$deployment", (object?)record.Deployment ?? DBNull.Value);
        p.AddWithValue("$provider", (object?)record.Provider ?? DBNull.Value);
        p.AddWithValue("$input_tokens", record.Usage.InputTokens);
        p.AddWithValue("$cached_input_tokens", record.Usage.CachedInputTokens);
        p.AddWithValue("$cache_write_tokens", record.Usage.CacheWriteTokens);
        p.AddWithValue("$output_tokens", record.Usage.OutputTokens);
        p.AddWithValue("$reasoning_tokens", record.Usage.ReasoningTokens);
        p.AddWithValue("$usage_estimated", record.UsageEstimated ? 1 : 0);
        p.AddWithValue("$cost_usd", Money(record.CostUsd));
        p.AddWithValue("$latency_ms", record.LatencyMs);
        p.AddWithValue("$ttft_ms", (object?)record.TimeToFirstTokenMs ?? DBNull.Value);
        p.AddWithValue("$cache_status", record.CacheStatus);
        p.AddWithValue("$status", record.Status);
        p.AddWithValue("$error", (object?)record.Error ?? DBNull.Value);
        p.AddWithValue("$tags", JsonSerializer.Serialize(new Dictionary<string, string>(record.Tags, StringComparer.Ordinal), LedgerJsonContext.Default.DictionaryStringString));
        p.AddWithValue("$budgets", JsonSerializer.Serialize(record.Budgets.ToList(), LedgerJsonContext.Default.ListBudgetCharge));
        p.AddWithValue("$route", (object?)record.Route ?? DBNull.Value);
        p.AddWithValue("$variant", (object?)record.Variant ?? DBNull.Value);
        p.AddWithValue("$saved_usd", SqliteFields.Money(record.SavedCostUsd));
    }

    private static decimal ReadSpend(SqliteConnection connection, SqliteTransaction? transaction, string scope, string windowId)
    {
        using var read = Command(connection, transaction, "SELECT spent_usd FROM budget_spend WHERE scope = $s AND window_id = $w");
        read.Parameters.AddWithValue("$s", scope);
        read.Parameters.AddWithValue("$w", windowId);
        return read.ExecuteScalar() is string text ? ParseMoney(text) : 0m;
    }
}
