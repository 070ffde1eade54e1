using Microsoft.Data.Sqlite;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// Counters in the shared SQLite file. Each operation is ONE statement, so SQLite's write lock makes it atomic
/// across every connection and process on the file (the busy time-out queues writers; nothing is lost).
/// An expired row counts as zero and restarts at the amount added; expired rows are deleted once a minute.
/// </summary>
public sealed class SqliteCounterStore : ICounterStore
{
    private const string ConditionalAdd = """
        INSERT INTO counters(key, total, expires) VALUES ($key, $amount, $expires)
        ON CONFLICT(key) DO UPDATE SET
            total = CASE WHEN counters.expires <= $now THEN excluded.total ELSE counters.total + excluded.total END,
            expires = CASE WHEN counters.expires <= $now OR counters.expires < excluded.expires THEN excluded.expires ELSE counters.expires END
        WHERE (CASE WHEN counters.expires <= $now THEN 0 ELSE counters.total END) + excluded.total <= $limit
        RETURNING total
        """;

    private const string Add = """
        INSERT INTO counters(key, total, expires) VALUES ($key, $amount, $expires)
        ON CONFLICT(key) DO UPDATE SET
            total = CASE WHEN counters.expires <= $now THEN excluded.total ELSE counters.total + excluded.total END,
            expires = CASE WHEN counters.expires <= $now OR counters.expires < excluded.expires THEN excluded.expires ELSE counters.expires END
        RETURNING total
        """;

    private const string Read = "SELECT CASE WHEN expires <= $now THEN 0 ELSE total END FROM counters WHERE key = $key";

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly SqliteDatabase database;
    private readonly TimeProvider time;
    private long nextSweepTicks;

    public SqliteCounterStore(SqliteDatabase database, TimeProvider time)
    {
        this.database = database;
        this.time = time;
        database.Migrate(
            "counters",
            "CREATE TABLE counters (key TEXT PRIMARY KEY, total INTEGER NOT NULL, expires INTEGER NOT NULL); CREATE INDEX counters_expires ON counters(expires);");
        nextSweepTicks = (time.GetUtcNow() + SweepEvery).UtcTicks;
    }

    public async ValueTask<CounterAdd> TryAddAsync(string key, long amount, long limit, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (amount > limit)
        {
            // The insert branch has no WHERE; an amount that can never fit is refused before it could create the row.
            return new CounterAdd(false, await ReadAsync(key, cancellationToken));
        }

        var total = await ScalarAsync(ConditionalAdd, key, amount, expires, limit, cancellationToken);
        return total is long added ? new CounterAdd(true, added) : new CounterAdd(false, await ReadAsync(key, cancellationToken));
    }

    public async ValueTask<long> AddAsync(string key, long amount, DateTimeOffset expires, CancellationToken cancellationToken) =>
        (long)(await ScalarAsync(Add, key, amount, expires, null, cancellationToken))!;

    public async ValueTask<long> ReadAsync(string key, CancellationToken cancellationToken) =>
        await ScalarAsync(Read, key, null, null, null, cancellationToken) as long? ?? 0;

    /// <summary>Deletes expired rows now; returns how many.</summary>
    public int DeleteExpired()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM counters WHERE expires <= $now";
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery();
    }

    private async Task<object?> ScalarAsync(string sql, string key, long? amount, DateTimeOffset? expires, long? limit, CancellationToken cancellationToken)
    {
        using var turn = amount is null ? default(WriteTurn?) : await database.WriteTurnAsync(cancellationToken);
        if (turn is not null)
        {
            SweepWhenDue();
        }

        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        Bind(command, "$amount", amount);
        Bind(command, "$expires", expires?.ToUnixTimeMilliseconds());
        Bind(command, "$limit", limit);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static void Bind(SqliteCommand command, string name, long? value)
    {
        if (value is { } v)
        {
            command.Parameters.AddWithValue(name, v);
        }
    }

    private void SweepWhenDue()
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks >= due && Interlocked.CompareExchange(ref nextSweepTicks, (now + SweepEvery).UtcTicks, due) == due)
        {
            DeleteExpired();
        }
    }
}
