using Microsoft.Data.Sqlite;
using ServerlessGateway.Auth.Keys;
using static ServerlessGateway.Storage.Sqlite.SqliteFields;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// Keys in the shared SQLite file. The secret's hash is unique and indexed (lookups on a cache miss), the previous
/// hash indexed for rotation grace; every update is conditional on the version read (optimistic concurrency).
/// </summary>
public sealed class SqliteKeyStore : IKeyStore
{
    private const string Columns =
        "id, name, hash, display_prefix, role, models, user_id, team_id, organization_id, limits, budget, metadata, tags, " +
        "created_at, expires_at, revoked_at, previous_hash, previous_valid_until, version";

    private const string Values =
        "$id, $name, $hash, $display_prefix, $role, $models, $user_id, $team_id, $organization_id, $limits, $budget, $metadata, $tags, " +
        "$created_at, $expires_at, $revoked_at, $previous_hash, $previous_valid_until, $version";

    private readonly SqliteDatabase database;

    public SqliteKeyStore(SqliteDatabase database)
    {
        this.database = database;
        database.Migrate(
            "keys",
            """
                  CREATE TABLE gateway_keys (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, display_prefix TEXT NOT NULL, role TEXT NOT NULL,
                    models TEXT NOT NULL, user_id TEXT, team_id TEXT, organization_id TEXT, limits TEXT, budget TEXT,
                    metadata TEXT NOT NULL, tags TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER,
                    previous_hash TEXT, previous_valid_until INTEGER, version INTEGER NOT NULL);
                  CREATE INDEX gateway_keys_previous_hash ON gateway_keys(previous_hash) WHERE previous_hash IS NOT NULL;
                  CREATE INDEX gateway_keys_user ON gateway_keys(user_id, id);
                  CREATE INDEX gateway_keys_team ON gateway_keys(team_id, id);
                  CREATE INDEX gateway_keys_organization ON gateway_keys(organization_id, id);
                  """);
    }

    public Task<StoreWrite<StoredKey>> CreateAsync(StoredKey key, CancellationToken cancellationToken) =>
        InsertAsync(database, $"INSERT INTO gateway_keys ({Columns}) VALUES ({Values})", key with { Version = 1 }, Bind, cancellationToken);

    public async Task<StoredKey?> GetAsync(string id, CancellationToken cancellationToken) =>
        await ReadOneAsync("id = $id", c => c.Add("$id", id), cancellationToken);

    public async Task<StoredKey?> FindByHashAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ReadOneAsync(
            "hash = $hash UNION ALL SELECT " + Columns + " FROM gateway_keys WHERE previous_hash = $hash AND previous_valid_until > $now",
            c =>
            {
                c.Add("$hash", hash);
                c.Add("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);

    public async Task<StorePage<StoredKey>> ListAsync(KeyQuery query, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM gateway_keys
            WHERE ($after IS NULL OR id > $after) AND ($user IS NULL OR user_id = $user)
              AND ($team IS NULL OR team_id = $team) AND ($org IS NULL OR organization_id = $org)
            ORDER BY id LIMIT $limit
            """;
        command.Add("$after", query.After);
        command.Add("$user", query.UserId);
        command.Add("$team", query.TeamId);
        command.Add("$org", query.OrganizationId);
        command.Add("$limit", query.Limit + 1);
        return await PageAsync(command, query.Limit, Read, cancellationToken);
    }

    public Task<StoreWrite<StoredKey>> UpdateAsync(StoredKey key, long expectedVersion, CancellationToken cancellationToken) =>
        UpdateIfVersionAsync(
            database,
            $"UPDATE gateway_keys SET ({Columns}) = ({Values}) WHERE id = $id AND version = $expected",
            key with { Version = expectedVersion + 1 },
            expectedVersion,
            Bind,
            async () => await GetAsync(key.Id, cancellationToken) is not null,
            cancellationToken);

    private async Task<StoredKey?> ReadOneAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM gateway_keys WHERE {where} LIMIT 1";
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static void Bind(SqliteCommand command, StoredKey key)
    {
        command.Add("$id", key.Id);
        command.Add("$name", key.Name);
        command.Add("$hash", key.Hash);
        command.Add("$display_prefix", key.DisplayPrefix);
        command.Add("$role", key.Role);
        command.Add("$models", Json(key.Models));
        command.Add("$user_id", key.UserId);
        command.Add("$team_id", key.TeamId);
        command.Add("$organization_id", key.OrganizationId);
        command.Add("$limits", Json(key.Limits));
        command.Add("$budget", Json(key.Budget));
        command.Add("$metadata", Json(key.Metadata));
        command.Add("$tags", Json(key.Tags));
        command.Add("$created_at", Millis(key.CreatedAt));
        command.Add("$expires_at", Millis(key.ExpiresAt));
        command.Add("$revoked_at", Millis(key.RevokedAt));
        command.Add("$previous_hash", key.PreviousHash);
        command.Add("$previous_valid_until", Millis(key.PreviousHashValidUntil));
        command.Add("$version", key.Version);
    }

    private static StoredKey Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        Hash = r.GetString(2),
        DisplayPrefix = r.GetString(3),
        Role = r.GetString(4),
        Models = List(r, 5),
        UserId = Text(r, 6),
        TeamId = Text(r, 7),
        OrganizationId = Text(r, 8),
        Limits = ReadLimits(r, 9),
        Budget = ReadBudget(r, 10),
        Metadata = Map(r, 11),
        Tags = Map(r, 12),
        CreatedAt = Time(r, 13)!.Value,
        ExpiresAt = Time(r, 14),
        RevokedAt = Time(r, 15),
        PreviousHash = Text(r, 16),
        PreviousHashValidUntil = Time(r, 17),
        Version = r.GetInt64(18),
    };
}
