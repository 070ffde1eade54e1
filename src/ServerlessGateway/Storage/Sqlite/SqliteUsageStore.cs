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
    private const string InsertColumns =
        "request_id, attempt, ts_ms, hour_start, day_start, key_id, user_id, team_id, organization_id, requested_model, served_model, deployment, "
        + "provider, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, usage_estimated, cost_usd, latency_ms, "
        + "ttft_ms, cache_status, status, error, tags, budgets, route, variant, saved_usd";

    private static readonly string InsertSql = $"INSERT OR IGNORE INTO usage_records ({InsertColumns}) VALUES ({Placeholders(InsertColumns)})";

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
        using var insert = new PreparedStatement(connection, InsertSql);
        var added = new Dictionary<(string Scope, string WindowId), decimal>();
        var charged = new Dictionary<(string Scope, string WindowId), BudgetCharge>();
        foreach (var record in records)
        {
            var inserted = Bind(insert, record).Run() == 1;
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

    /// <summary>The values in <see cref="InsertColumns"/>' order.</summary>
    private PreparedStatement Bind(PreparedStatement insert, UsageRecord record)
    {
        var (r, u) = (record, record.Usage);
        return insert
            .Add(r.RequestId).Add(r.Attempt).Add(r.Timestamp.ToUnixTimeMilliseconds())
            .Add(UsageBuckets.HourStart(r.Timestamp).ToUnixTimeSeconds()).Add(UsageBuckets.DayStart(r.Timestamp, zone).ToUnixTimeSeconds())
            .Add(r.KeyId).Add(r.UserId).Add(r.TeamId).Add(r.OrganizationId)
            .Add(r.RequestedModel).Add(r.ServedModel).Add(r.Deployment).Add(r.Provider)
            .Add(u.InputTokens).Add(u.CachedInputTokens).Add(u.CacheWriteTokens).Add(u.OutputTokens).Add(u.ReasoningTokens)
            .Add(r.UsageEstimated ? 1 : 0).Add(Money(r.CostUsd)).Add(r.LatencyMs).Add(r.TimeToFirstTokenMs)
            .Add(r.CacheStatus).Add(r.Status).Add(r.Error)
            .Add(JsonSerializer.Serialize(new Dictionary<string, string>(r.Tags, StringComparer.Ordinal), LedgerJsonContext.Default.DictionaryStringString))
            .Add(JsonSerializer.Serialize(r.Budgets.ToList(), LedgerJsonContext.Default.ListBudgetCharge))
            .Add(r.Route).Add(r.Variant).Add(Money(r.SavedCostUsd));
    }

    private static decimal ReadSpend(SqliteConnection connection, SqliteTransaction? transaction, string scope, string windowId)
    {
        using var read = Command(connection, transaction, "SELECT spent_usd FROM budget_spend WHERE scope = $s AND window_id = $w");
        read.Parameters.AddWithValue("$s", scope);
        read.Parameters.AddWithValue("$w", windowId);
        return read.ExecuteScalar() is string text ? ParseMoney(text) : 0m;
    }
}
