using Microsoft.Data.Sqlite;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// One SQLite file shared by every store of this process and by other processes on the same machine.
/// WAL mode lets readers run beside the one writer; the busy time-out makes a writer wait for another
/// process's transaction instead of failing. Connections are pooled by Microsoft.Data.Sqlite, so opening
/// one per operation is cheap and keeps stores free of shared connection state.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private static readonly Lock InitLock = new();
    private static bool providerReady;
    private readonly string connectionString;
    private readonly SemaphoreSlim writeTurns = new(1, 1);

    public SqliteDatabase(string path)
    {
        EnsureProvider();
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);");
    }

    public string Path { get; }

    /// <summary>An open connection (from the pool); a command waiting on another writer retries for up to 30 s.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();

        // No PRAGMA busy_timeout: this build of SQLite has no usleep, so its busy handler sleeps whole seconds
        // between retries. Without it SQLite reports busy at once and Microsoft.Data.Sqlite retries (sleeping
        // 150 ms a time) until DefaultTimeout; writers of this process avoid that by taking turns (WriteTurnAsync).
        // A 256 KB page cache per pooled connection, not SQLite's 2 MB: the gateway's reads are by key or rowid and the
        // writers append, so a big private cache per connection only held resident memory (about 5 MB under load).
        Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-256;");
        return connection;
    }

    /// <summary>
    /// Waits, without blocking a thread, for this process's turn to write. Writers of one process then never meet
    /// SQLite's busy state (whose retry sleeps a thread for 150 ms); other processes still serialise on its lock.
    /// </summary>
    public async ValueTask<WriteTurn> WriteTurnAsync(CancellationToken cancellationToken)
    {
        await writeTurns.WaitAsync(cancellationToken);
        return new WriteTurn(writeTurns);
    }

    public void Dispose() => writeTurns.Dispose();

    /// <summary>The synchronous form, for background jobs already on a thread of their own.</summary>
    public WriteTurn EnterWriteTurn()
    {
        writeTurns.Wait();
        return new WriteTurn(writeTurns);
    }

    /// <summary>
    /// Applies <paramref name="migrations"/>[i] for every version past the component's recorded one, each in a
    /// transaction; concurrent processes starting together serialise on the write lock and skip what is done.
    /// </summary>
    public void Migrate(string component, params string[] migrations)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT version FROM schema_versions WHERE component = $c";
        read.Parameters.AddWithValue("$c", component);
        var current = read.ExecuteScalar() is long v ? (int)v : 0;
        for (var i = current; i < migrations.Length; i++)
        {
            using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = migrations[i];
            apply.ExecuteNonQuery();
        }

        if (migrations.Length > current)
        {
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_versions(component, version) VALUES($c, $v) ON CONFLICT(component) DO UPDATE SET version = $v";
            record.Parameters.AddWithValue("$c", component);
            record.Parameters.AddWithValue("$v", migrations.Length);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void EnsureProvider()
    {
        lock (InitLock)
        {
            if (!providerReady)
            {
                SQLitePCL.Batteries_V2.Init();
                providerReady = true;
            }
        }
    }
}

/// <summary>A turn to write; disposing it lets the next writer in.</summary>
public readonly struct WriteTurn(SemaphoreSlim turns) : IDisposable
{
    public void Dispose() => turns.Release();
}
