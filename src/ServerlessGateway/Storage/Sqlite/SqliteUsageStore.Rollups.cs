using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting.Ledger.Rollups;

using static ServerlessGateway.Storage.Sqlite.SqliteFields;
namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// Roll-ups in immediate transactions: two processes running the job at once serialise on SQLite's write lock,
/// and the second finds nothing new past the watermark the first moved.
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

    /// <summary>
    /// Folds the records past the watermark into the roll-up rows, a chunk per transaction: each chunk's sums are
    /// added to the stored rows and the watermark moves in the same transaction, so every record counts exactly
    /// once however often (or from however many processes) the job runs. The cost is the new records', never a
    /// re-read of whole buckets, and the write lock is held for one chunk at a time.
    /// </summary>
    private RollupResult RollUp()
    {
        long fresh = 0, watermark = 0;
        int rows = 0;
        var hours = new HashSet<long>();
        var days = new HashSet<long>();
        while (true)
        {
            using var turn = database.EnterWriteTurn();
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            watermark = Scalar(connection, transaction, "SELECT COALESCE(MAX(watermark), 0) FROM rollup_state WHERE name = 'spend'", 0);
            var aggregator = new RollupAggregator();
            var (read, last) = AggregateChunk(connection, transaction, aggregator, watermark, hours, days);
            if (read == 0)
            {
                return new RollupResult(watermark, fresh, hours.Count, days.Count, rows);
            }

            rows += Merge(connection, transaction, aggregator);
            using var mark = Command(connection, transaction, "INSERT INTO rollup_state (name, watermark) VALUES ('spend', $m) ON CONFLICT (name) DO UPDATE SET watermark = $m");
            mark.Parameters.AddWithValue("$m", last);
            mark.ExecuteNonQuery();
            transaction.Commit();
            fresh += read;
            watermark = last;
        }
    }

    private static (int Read, long Last) AggregateChunk(
        SqliteConnection connection, SqliteTransaction transaction, RollupAggregator aggregator, long watermark, HashSet<long> hours, HashSet<long> days)
    {
        using var command = Command(
            connection, transaction, $"SELECT {SqliteUsageSchema.RecordColumns}, hour_start, day_start FROM usage_records WHERE seq > $w ORDER BY seq LIMIT {ChunkSize}");
        command.Parameters.AddWithValue("$w", watermark);
        using var reader = command.ExecuteReader();
        var (read, last) = (0, watermark);
        while (reader.Read())
        {
            var record = ReadRecord(reader);
            var (hour, day) = (reader.GetInt64(SqliteUsageSchema.RecordColumnCount), reader.GetInt64(SqliteUsageSchema.RecordColumnCount + 1));
            aggregator.Add(RollupGranularity.Hour, DateTimeOffset.FromUnixTimeSeconds(hour), record);
            aggregator.Add(RollupGranularity.Day, DateTimeOffset.FromUnixTimeSeconds(day), record);
            hours.Add(hour);
            days.Add(day);
            last = reader.GetInt64(0);
            read++;
        }

        return (read, last);
    }

    /// <summary>Adds each aggregated row to its stored row (in decimal, never through SQL's double arithmetic).</summary>
    private static int Merge(SqliteConnection connection, SqliteTransaction transaction, RollupAggregator aggregator)
    {
        const string Match = "granularity = $g AND bucket_start = $b AND tag = $tag AND key_id = $key AND user_id = $user AND team_id = $team "
            + "AND organization_id = $org AND model = $model AND requested_model = $requested";
        using var existing = Command(
            connection,
            transaction,
            "SELECT requests, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd FROM spend_rollups WHERE " + Match);
        using var upsert = Command(
            connection,
            transaction,
            "INSERT OR REPLACE INTO spend_rollups VALUES ($g, $b, $tag, $key, $user, $team, $org, $model, $requested, $n, $in, $cached, $write, $out, $reasoning, $cost)");
        var rows = 0;
        foreach (var row in aggregator.Rows)
        {
            BindRollup(existing, row);
            var totals = row.Totals;
            using (var reader = existing.ExecuteReader())
            {
                if (reader.Read())
                {
                    totals += new SpendTotals(
                        reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), ParseMoney(reader.GetString(6)));
                }
            }

            BindRollup(upsert, row with { Totals = totals });
            upsert.ExecuteNonQuery();
            rows++;
        }

        return rows;
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

    /// <summary>Records folded per transaction: large enough to be efficient, small enough to hold the write lock briefly.</summary>
    private const int ChunkSize = 5000;

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, long watermark)
    {
        using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$w", watermark);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private static string Name(RollupGranularity granularity) => granularity == RollupGranularity.Hour ? "hour" : "day";
}
