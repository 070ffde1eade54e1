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
/// <see cref="PurgeExpiredAsync"/>, which also trims the table to its bound (the rows closest to expiry go first).
/// </summary>
public sealed class SqliteCacheStore : ICacheStore
{
    public const string Component = "cache";

    private const string Columns =
        "key, partition_key, response, created_ms, expires_ms, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, "
        + "reasoning_tokens, cost_usd, semantic_partition, semantic_text, vector";

    private static readonly string[] Migrations =
    [
        // Money is exact decimal text, as in the ledger; vectors are little-endian float32 BLOBs; times are unix ms.
        """
        CREATE TABLE cache_entries (
            key TEXT PRIMARY KEY,
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
        CREATE INDEX cache_entries_expires ON cache_entries (expires_ms);
        """,
    ];

    private const string Insert =
        $"INSERT OR REPLACE INTO cache_entries ({Columns}) VALUES ($key, $partition, $response, $created, $expires, $input, $output, $cached, "
        + "$cache_write, $reasoning, $cost, $semantic_partition, $semantic_text, $vector)";

    private readonly SqliteDatabase database;
    private readonly TimeProvider time;
    private readonly long maxEntries;
    private readonly StoredKeys keys;
    private long evictions;
    private long learntUpTo;

    public SqliteCacheStore(SqliteDatabase database, TimeProvider time, long maxEntries = long.MaxValue)
    {
        this.database = database;
        this.time = time;
        this.maxEntries = maxEntries;
        // Twice the table's bound: the table trims by expiry and this by age, and a key kept in the table must stay known.
        keys = new StoredKeys(maxEntries >= 1_000_000 ? 2_000_000 : maxEntries * 2);
        database.Migrate(Component, Migrations);
        LearnKeys();
    }

    public string Name => CacheStoreNames.Sqlite;

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
        if (!keys.MayHold(key, Now()))
        {
            return null; // a miss without a database read
        }

        await using var connection = database.Open();
        await using var command = Command(connection, null, $"SELECT {Columns} FROM cache_entries WHERE key = $key AND expires_ms > $now");
        command.Add("$key", key);
        command.Add("$now", Now());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            return Read(reader);
        }

        keys.Forget(key);
        return null;
    }

    public ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken) => SetManyAsync([entry], cancellationToken);

    /// <summary>One transaction for the batch: SQLite's cost is per commit, so a batch of 100 costs little more than one.</summary>
    public async ValueTask SetManyAsync(IReadOnlyList<CacheEntry> entries, CancellationToken cancellationToken)
    {
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, (SqliteTransaction)transaction, Insert);
        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            command.Add("$key", entry.Key);
            command.Add("$partition", entry.Partition);
            command.Add("$response", entry.Response);
            command.Add("$created", entry.CreatedAt.ToUnixTimeMilliseconds());
            command.Add("$expires", entry.ExpiresAt.ToUnixTimeMilliseconds());
            command.Add("$input", entry.Usage.InputTokens);
            command.Add("$output", entry.Usage.OutputTokens);
            command.Add("$cached", entry.Usage.CachedInputTokens);
            command.Add("$cache_write", entry.Usage.CacheWriteTokens);
            command.Add("$reasoning", entry.Usage.ReasoningTokens);
            command.Add("$cost", Money(entry.CostUsd));
            command.Add("$semantic_partition", entry.SemanticPartition);
            command.Add("$semantic_text", entry.SemanticText);
            command.Add("$vector", entry.Vector is null ? null : VectorBlob(entry.Vector));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var entry in entries)
        {
            keys.Learn(entry.Key, entry.ExpiresAt.ToUnixTimeMilliseconds());
        }
    }

    public async ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken)
    {
        keys.Forget(key);
        return await WriteAsync("DELETE FROM cache_entries WHERE key = $key", key, cancellationToken) == 1;
    }

    /// <summary>Also learns the keys other processes sharing the file stored since the last call.</summary>
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        LearnKeys();
        var expired = await WriteAsync("DELETE FROM cache_entries WHERE expires_ms <= $now", null, cancellationToken);
        if (maxEntries == long.MaxValue)
        {
            return expired;
        }

        var trimmed = await WriteAsync(
            $"DELETE FROM cache_entries WHERE key IN (SELECT key FROM cache_entries ORDER BY expires_ms LIMIT MAX(0, (SELECT COUNT(*) FROM cache_entries) - {maxEntries}))",
            null,
            cancellationToken);
        Interlocked.Add(ref evictions, trimmed);
        return expired + trimmed;
    }

    public async IAsyncEnumerable<CacheEntry> SemanticEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null, $"SELECT {Columns} FROM cache_entries WHERE vector IS NOT NULL AND expires_ms > $now");
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

    /// <summary>The keys stored since the last call (at start: the newest up to the bound), oldest first.</summary>
    private void LearnKeys()
    {
        using var connection = database.Open();
        using var command = Command(connection, null, "SELECT key, expires_ms, created_ms FROM cache_entries WHERE created_ms >= $since AND expires_ms > $now ORDER BY created_ms");
        command.Add("$since", Interlocked.Read(ref learntUpTo));
        command.Add("$now", Now());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Learn(reader.GetString(0), reader.GetInt64(1));
            Interlocked.Exchange(ref learntUpTo, reader.GetInt64(2));
        }
    }

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
