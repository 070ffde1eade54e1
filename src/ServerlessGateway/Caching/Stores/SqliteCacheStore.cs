using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting;
using ServerlessGateway.Storage.Sqlite;

using static ServerlessGateway.Storage.Sqlite.SqliteFields;
namespace ServerlessGateway.Caching.Stores;

/// <summary>
/// Cached answers in the embedded SQLite file, beside the rest of the embedded store, so they outlive a restart and
/// are shared by the processes on one machine. Expired rows are filtered out of every read and deleted by
/// <see cref="PurgeExpiredAsync"/>. The table is an append-only log (a new answer for a key is a new row; reads take
/// the newest) kept to its bound as it is written: past it, the oldest rows go. <see cref="StoredKeys"/> is its index.
/// </summary>
public sealed class SqliteCacheStore : ICacheStore
{
    public const string Component = "cache";

    private const string Columns =
        "key, partition_key, response, created_ms, expires_ms, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, "
        + "reasoning_tokens, cost_usd, semantic_partition, semantic_text, vector";

    private static readonly string[] Migrations =
    [
        // An append-only log found through the in-memory StoredKeys (see there why no index, not even on the key).
        // Money is exact decimal text, as in the ledger; vectors are little-endian float32 BLOBs; times are unix ms.
        // No index on expiry either: only the purge (once a minute, a scan is fine) reads by it.
        """
        CREATE TABLE cache_entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL,
            partition_key TEXT NOT NULL,
            response BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            cache_write_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cost_usd TEXT NOT NULL,
            semantic_partition TEXT,
            semantic_text TEXT,
            vector BLOB);
        """,
    ];

    /// <summary>Inserts between trims to the bound (a trim is one range delete on rowid).</summary>
    private const int TrimEvery = 1024;

    private static readonly string Insert = $"INSERT INTO cache_entries ({Columns}) VALUES ({Placeholders(Columns)})";

    private readonly SqliteDatabase database;
    private readonly TimeProvider time;
    private readonly long maxEntries;
    private readonly StoredKeys keys;
    private long evictions;
    private long learntUpTo;
    private int sinceTrim;

    public SqliteCacheStore(SqliteDatabase database, TimeProvider time, long maxEntries = long.MaxValue)
    {
        this.database = database;
        this.time = time;
        this.maxEntries = maxEntries;
        keys = new StoredKeys(Math.Min(maxEntries, 10_000_000));
        database.Migrate(Component, Migrations);
        LearnKeys();
    }

    /// <summary>One aggregate query over the table; Evictions counts the rows this process trimmed to the bound.</summary>
    public CacheStoreStats Stats
    {
        get
        {
            using var connection = database.Open();
            using var command = Command(
                connection,
                null,
                "SELECT COUNT(*), IFNULL(SUM(length(response) + IFNULL(length(vector), 0) + IFNULL(length(CAST(semantic_text AS BLOB)), 0)), 0) FROM cache_entries");
            using var reader = command.ExecuteReader();
            reader.Read();
            return new CacheStoreStats(reader.GetInt64(0), reader.GetInt64(1), Interlocked.Read(ref evictions));
        }
    }

    public async ValueTask<CacheEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!keys.TryFind(key, Now(), out var row))
        {
            return null; // a miss without a database read
        }

        await using var connection = database.Open();
        await using var command = Command(connection, null, $"SELECT {Columns} FROM cache_entries WHERE id = $id AND key = $key AND expires_ms > $now");
        command.Add("$id", row);
        command.Add("$key", key);
        command.Add("$now", Now());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            return Read(reader);
        }

        keys.Forget(key); // trimmed, or removed by another process
        return null;
    }

    public ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken) => SetManyAsync([entry], cancellationToken);

    /// <summary>One transaction for the batch: SQLite's cost is per commit, so a batch of 100 costs little more than one.</summary>
    public async ValueTask SetManyAsync(IReadOnlyList<CacheEntry> entries, CancellationToken cancellationToken)
    {
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using var insert = new PreparedStatement(connection, Insert);
        await using var replace = Command(connection, (SqliteTransaction)transaction, "DELETE FROM cache_entries WHERE id = $id");
        var replaced = replace.Parameters.Add(new SqliteParameter("$id", null));
        var rowIds = new long[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            // A new answer for a known key (a refresh) takes the old row's place; found by id, as there is no key index.
            if (keys.TryFind(entries[i].Key, long.MinValue, out var old))
            {
                replaced.Value = old;
                await replace.ExecuteNonQueryAsync(cancellationToken);
            }

            Bind(insert, entries[i]).Run();
            rowIds[i] = LastRowId(connection);
        }

        await transaction.CommitAsync(cancellationToken);
        for (var i = 0; i < entries.Count; i++)
        {
            // learntUpTo stays: another process's rows may sit between these, and the next LearnKeys must see them.
            keys.Learn(entries[i].Key, rowIds[i], entries[i].ExpiresAt.ToUnixTimeMilliseconds());
        }

        if ((sinceTrim += entries.Count) >= TrimEvery)
        {
            sinceTrim = 0;
            Trim(connection);
        }
    }

    /// <summary>The id of the row this connection inserted last (SQLite's own counter: no statement, no reader).</summary>
    private static long LastRowId(SqliteConnection connection) => SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);

    /// <summary>Past the bound, the oldest rows go. Called in a write turn.</summary>
    private int Trim(SqliteConnection connection)
    {
        if (maxEntries == long.MaxValue)
        {
            return 0;
        }

        using var command = Command(connection, null, "DELETE FROM cache_entries WHERE id <= (SELECT MAX(id) FROM cache_entries) - $max");
        command.Add("$max", maxEntries);
        var trimmed = command.ExecuteNonQuery();
        Interlocked.Add(ref evictions, trimmed);
        return trimmed;
    }

    public async ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken)
    {
        keys.Forget(key);
        return await WriteAsync("DELETE FROM cache_entries WHERE key = $key", key, cancellationToken) == 1;
    }

    /// <summary>Also learns the keys other processes sharing the file stored since the last call, and trims to the bound.</summary>
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        LearnKeys();
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var command = Command(connection, null, "DELETE FROM cache_entries WHERE expires_ms <= $now");
        command.Add("$now", Now());
        return await command.ExecuteNonQueryAsync(cancellationToken) + Trim(connection);
    }

    public async IAsyncEnumerable<CacheEntry> SemanticEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        // Only each key's newest row: older ones are answers since replaced.
        await using var command = Command(
            connection,
            null,
            $"SELECT {Columns.Replace("response", "X'' AS response", StringComparison.Ordinal)} FROM cache_entries "
            + "WHERE id IN (SELECT MAX(id) FROM cache_entries GROUP BY key) AND vector IS NOT NULL AND expires_ms > $now ORDER BY id");
        command.Add("$now", Now());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <summary>Runs one write statement in this process's write turn; $key and $now are bound for whichever it uses.</summary>
    private async Task<int> WriteAsync(string sql, string? key, CancellationToken cancellationToken)
    {
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var command = Command(connection, null, sql);
        command.Add("$key", key);
        command.Add("$now", Now());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The rows stored since the last call (at start: all of them), in order, by this or another process.</summary>
    private void LearnKeys()
    {
        using var connection = database.Open();
        using var command = Command(connection, null, "SELECT key, id, expires_ms FROM cache_entries WHERE id > $since AND expires_ms > $now ORDER BY id");
        command.Add("$since", Interlocked.Read(ref learntUpTo));
        command.Add("$now", Now());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Learn(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            Interlocked.Exchange(ref learntUpTo, reader.GetInt64(1));
        }
    }

    /// <summary>The insert's parameters, in <see cref="Columns"/> order.</summary>
    /// <summary>The values in <see cref="Columns"/>' order.</summary>
    private static PreparedStatement Bind(PreparedStatement insert, CacheEntry entry) => insert
        .Add(entry.Key).Add(entry.Partition).Add(entry.Response)
        .Add(entry.CreatedAt.ToUnixTimeMilliseconds()).Add(entry.ExpiresAt.ToUnixTimeMilliseconds())
        .Add(entry.Usage.InputTokens).Add(entry.Usage.OutputTokens).Add(entry.Usage.CachedInputTokens).Add(entry.Usage.CacheWriteTokens).Add(entry.Usage.ReasoningTokens)
        .Add(Money(entry.CostUsd)).Add(entry.SemanticPartition).Add(entry.SemanticText).Add(entry.Vector is null ? null : VectorBlob(entry.Vector));

    private static CacheEntry Read(SqliteDataReader reader) => new()
    {
        Key = reader.GetString(0),
        Partition = reader.GetString(1),
        Response = reader.GetFieldValue<byte[]>(2),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        Usage = new TokenUsage(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)),
        CostUsd = ParseMoney(reader.GetString(10)),
        SemanticPartition = Text(reader, 11),
        SemanticText = Text(reader, 12),
        Vector = reader.IsDBNull(13) ? null : Vector(reader.GetFieldValue<byte[]>(13)),
    };

    private static byte[] VectorBlob(float[] vector)
    {
        var blob = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i * sizeof(float)), vector[i]);
        }

        return blob;
    }

    private static float[] Vector(byte[] blob)
    {
        var vector = new float[blob.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan(i * sizeof(float)));
        }

        return vector;
    }
}
