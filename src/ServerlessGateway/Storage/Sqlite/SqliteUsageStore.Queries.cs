using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;

using static ServerlessGateway.Storage.Sqlite.SqliteFields;
namespace ServerlessGateway.Storage.Sqlite;

/// <summary>Reading records back: one request's attempts, and the filtered, newest-first usage pages.</summary>
public sealed partial class SqliteUsageStore
{
    public Task<IReadOnlyList<UsageRecord>> GetRequestAsync(string requestId, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            using var connection = database.Open();
            using var command = Command(connection, null, $"SELECT {SqliteUsageSchema.RecordColumns} FROM usage_records WHERE request_id = $id ORDER BY attempt");
            command.Parameters.AddWithValue("$id", requestId);
            IReadOnlyList<UsageRecord> records = [.. ReadRecords(command).Select(r => r.Record)];
            return records;
        },
        cancellationToken);

    public Task<UsagePage> QueryAsync(UsageQuery query, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            using var connection = database.Open();
            using var command = Command(connection, null, "");
            var where = new StringBuilder("WHERE 1 = 1");
            Filter(command, where, "ts_ms >= $from", "$from", query.From?.ToUnixTimeMilliseconds());
            Filter(command, where, "ts_ms < $to", "$to", query.To?.ToUnixTimeMilliseconds());
            Filter(command, where, "key_id = $key", "$key", query.KeyId);
            Filter(command, where, "user_id = $user", "$user", query.UserId);
            Filter(command, where, "team_id = $team", "$team", query.TeamId);
            Filter(command, where, "organization_id = $org", "$org", query.OrganizationId);
            Filter(command, where, "(served_model = $model OR requested_model = $model)", "$model", query.Model);
            if (query.After is { } after)
            {
                where.Append(" AND (ts_ms < $after_ts OR (ts_ms = $after_ts AND seq < $after_seq))");
                command.Parameters.AddWithValue("$after_ts", after.TimestampMs);
                command.Parameters.AddWithValue("$after_seq", after.Sequence);
            }

            command.CommandText = $"SELECT {SqliteUsageSchema.RecordColumns} FROM usage_records {where} ORDER BY ts_ms DESC, seq DESC LIMIT $limit";
            command.Parameters.AddWithValue("$limit", query.Limit + 1);
            var rows = ReadRecords(command).ToList();
            var shown = rows.Take(query.Limit).ToList();
            var next = rows.Count > query.Limit ? new UsageCursor(shown[^1].Record.Timestamp.ToUnixTimeMilliseconds(), shown[^1].Sequence) : (UsageCursor?)null;
            return new UsagePage([.. shown.Select(r => r.Record)], next);
        },
        cancellationToken);

    private static void Filter(SqliteCommand command, StringBuilder where, string condition, string name, object? value)
    {
        if (value is not null)
        {
            where.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static IEnumerable<(long Sequence, UsageRecord Record)> ReadRecords(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), ReadRecord(reader));
        }
    }

    /// <summary>One row in <see cref="SqliteUsageSchema.RecordColumns"/> order.</summary>
    private static UsageRecord ReadRecord(SqliteDataReader r) => new()
    {
        RequestId = r.GetString(1),
        Attempt = r.GetInt32(2),
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        KeyId = r.GetString(4),
        UserId = Text(r, 5),
        TeamId = Text(r, 6),
        OrganizationId = Text(r, 7),
        RequestedModel = r.GetString(8),
        ServedModel = Text(r, 9),
        Deployment = Text(r, 10),
        Provider = Text(r, 11),
        Usage = new TokenUsage(r.GetInt64(12), r.GetInt64(15), r.GetInt64(13), r.GetInt64(14), r.GetInt64(16)),
        UsageEstimated = r.GetInt64(17) != 0,
        CostUsd = ParseMoney(r.GetString(18)),
        LatencyMs = r.GetDouble(19),
        TimeToFirstTokenMs = r.IsDBNull(20) ? null : r.GetDouble(20),
        CacheStatus = r.GetString(21),
        Status = r.GetInt32(22),
        Error = Text(r, 23),
        Tags = (JsonSerializer.Deserialize(r.GetString(24), LedgerJsonContext.Default.DictionaryStringString) ?? []).ToFrozenDictionary(StringComparer.Ordinal),
        Budgets = JsonSerializer.Deserialize(r.GetString(25), LedgerJsonContext.Default.ListBudgetCharge) ?? [],
        Route = Text(r, 26),
        Variant = Text(r, 27),
        SavedCostUsd = ParseMoney(r.GetString(28)),
    };
}
