using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting.Ledger.Rollups;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// Roll-ups in one immediate transaction: two processes running the job at once serialise on SQLite's write lock,
/// and the second finds nothing new past the watermark (or recomputes the same whole buckets).
/// </summary>
public sealed partial class SqliteUsageStore
{

    public Task<RollupResult> RollUpAsync(CancellationToken cancellationToken) => Task.Run(RollUp, cancellationToken);

    public Task<IReadOnlyList<SpendRollupRow>> ReadRollupsAsync(SpendRollupQuery query, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            using var connection = database.Open();
            using var command = Command(
                connection,
                null,
                "SELECT bucket_start, tag, key_id, user_id, team_id, organization_id, model, requested_model, requests, input_tokens, cached_input_tokens, "
                + "cache_write_tokens, output_tokens, reasoning_tokens, cost_usd FROM spend_rollups WHERE granularity = $g AND bucket_start >= $from "
                + "AND bucket_start < $to AND " + (query.ByTag ? "tag <> ''" : "tag = ''"));
            command.Parameters.AddWithValue("$g", Name(query.Granularity));
            command.Parameters.AddWithValue("$from", query.From.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("$to", query.To.ToUnixTimeSeconds());
            using var r = command.ExecuteReader();
            var rows = new List<SpendRollupRow>();
            while (r.Read())
            {
                rows.Add(new SpendRollupRow(
                    query.Granularity,
                    DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(0)),
                    new SpendDimensions(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7)),
                    new SpendTotals(r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), ParseMoney(r.GetString(14)))));
            }

            IReadOnlyList<SpendRollupRow> result = rows;
            return result;
        },
        cancellationToken);

    private RollupResult RollUp()
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var watermark = Scalar(connection, transaction, "SELECT COALESCE(MAX(watermark), 0) FROM rollup_state WHERE name = 'spend'", 0);
        var max = Scalar(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM usage_records", 0);
        var fresh = Scalar(connection, transaction, "SELECT COUNT(*) FROM usage_records WHERE seq > $w", watermark);
        var hours = (int)Scalar(connection, transaction, "SELECT COUNT(*) FROM (" + Fresh("hour_start") + ")", watermark);
        var days = (int)Scalar(connection, transaction, "SELECT COUNT(*) FROM (" + Fresh("day_start") + ")", watermark);
        var aggregator = new RollupAggregator();
        Aggregate(connection, transaction, aggregator, RollupGranularity.Hour, "hour_start", watermark);
        Aggregate(connection, transaction, aggregator, RollupGranularity.Day, "day_start", watermark);

        // Delete the touched buckets' rows (while seq > $w still finds them), then write them afresh.
        foreach (var (granularity, column) in new[] { (RollupGranularity.Hour, "hour_start"), (RollupGranularity.Day, "day_start") })
        {
            using var delete = Command(
                connection, transaction, $"DELETE FROM spend_rollups WHERE granularity = $g AND bucket_start IN ({Fresh(column)})");
            delete.Parameters.AddWithValue("$g", Name(granularity));
            delete.Parameters.AddWithValue("$w", watermark);
            delete.ExecuteNonQuery();
        }

        var rows = 0;
        using var insert = Command(
            connection,
            transaction,
            "INSERT INTO spend_rollups VALUES ($g, $b, $tag, $key, $user, $team, $org, $model, $requested, $n, $in, $cached, $write, $out, $reasoning, $cost)");
        foreach (var row in aggregator.Rows)
        {
            BindRollup(insert, row);
            insert.ExecuteNonQuery();
            rows++;
        }

        using var mark = Command(connection, transaction, "INSERT INTO rollup_state (name, watermark) VALUES ('spend', $m) ON CONFLICT (name) DO UPDATE SET watermark = $m");
        mark.Parameters.AddWithValue("$m", max);
        mark.ExecuteNonQuery();
        transaction.Commit();
        return new RollupResult(max, fresh, hours, days, rows);
    }

    private static void Aggregate(SqliteConnection connection, SqliteTransaction transaction, RollupAggregator aggregator, RollupGranularity granularity, string column, long watermark)
    {
        using var command = Command(
            connection,
            transaction,
            $"SELECT {SqliteUsageSchema.RecordColumns}, {column} FROM usage_records WHERE {column} IN ({Fresh(column)})");
        command.Parameters.AddWithValue("$w", watermark);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            aggregator.Add(granularity, DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(26)), ReadRecord(reader));
        }
    }

    private static void BindRollup(SqliteCommand insert, SpendRollupRow row)
    {
        var (d, t, p) = (row.Dimensions, row.Totals, insert.Parameters);
        p.Clear();
        p.AddWithValue("$g", Name(row.Granularity));
        p.AddWithValue("$b", row.BucketStart.ToUnixTimeSeconds());
        p.AddWithValue("$tag", d.Tag);
        p.AddWithValue("$key", d.KeyId);
        p.AddWithValue("$user", d.UserId);
        p.AddWithValue("$team", d.TeamId);
        p.AddWithValue("$org", d.OrganizationId);
        p.AddWithValue("$model", d.Model);
        p.AddWithValue("$requested", d.RequestedModel);
        p.AddWithValue("$n", t.Requests);
        p.AddWithValue("$in", t.InputTokens);
        p.AddWithValue("$cached", t.CachedInputTokens);
        p.AddWithValue("$write", t.CacheWriteTokens);
        p.AddWithValue("$out", t.OutputTokens);
        p.AddWithValue("$reasoning", t.ReasoningTokens);
        p.AddWithValue("$cost", Money(t.CostUsd));
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, long watermark)
    {
        using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$w", watermark);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    /// <summary>The buckets (of the hour_start or day_start column) holding records past the watermark $w.</summary>
    private static string Fresh(string column) => $"SELECT DISTINCT {column} FROM usage_records WHERE seq > $w";

    private static string Name(RollupGranularity granularity) => granularity == RollupGranularity.Hour ? "hour" : "day";
}
