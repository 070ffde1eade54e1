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
/// <see cref="PurgeExpiredAsync"/>; nothing else bounds the table.
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

    private readonly SqliteDatabase database;
    private readonly TimeProvider time;

    public SqliteCacheStore(SqliteDatabase database, TimeProvider time)
    {
        this.database = database;
        this.time = time;
        database.Migrate(Component, Migrations);
    }

    public string Name => CacheStoreNames.Sqlite;

    /// <summary>One aggregate query over the table; the store never evicts, so Evictions is 0.</summary>
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
            return new CacheStoreStats(reader.GetInt64(0), reader.GetInt64(1), 0);
        }
    }

    public async ValueTask<CacheEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null, $"SELECT {Columns} FROM cache_entries WHERE key = $key AND expires_ms > $now");
        command.Add("$key", key);
        command.Add("$now", Now());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var command = Command(
            connection,
            null,
            $"INSERT OR REPLACE INTO cache_entries ({Columns}) VALUES ($key, $partition, $response, $created, $expires, $input, $output, $cached, "
            + "$cache_write, $reasoning, $cost, $semantic_partition, $semantic_text, $vector)");
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

    public async ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken) =>
        await WriteAsync("DELETE FROM cache_entries WHERE key = $key", key, cancellationToken) == 1;

    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        await WriteAsync("DELETE FROM cache_entries WHERE expires_ms <= $now", null, cancellationToken);

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
