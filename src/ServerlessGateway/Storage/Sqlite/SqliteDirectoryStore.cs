using Microsoft.Data.Sqlite;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Limits;
using static ServerlessGateway.Storage.Sqlite.SqliteFields;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>Organisations, teams and users in one table of the shared SQLite file, keyed by (level, id); writes conditional on the version.</summary>
public sealed class SqliteDirectoryStore : IDirectoryStore
{
    private const string Columns = "level, id, name, organization_id, team_id, limits, budget, metadata, created_at, version";
    private const string Values = "$level, $id, $name, $organization_id, $team_id, $limits, $budget, $metadata, $created_at, $version";

    private readonly SqliteDatabase database;

    public SqliteDirectoryStore(SqliteDatabase database)
    {
        this.database = database;
        database.Migrate(
            "directory",
            """
            CREATE TABLE gateway_directory (
              level TEXT NOT NULL, id TEXT NOT NULL, name TEXT, organization_id TEXT, team_id TEXT, limits TEXT, budget TEXT,
              metadata TEXT NOT NULL, created_at INTEGER NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (level, id));
            CREATE INDEX gateway_directory_organization ON gateway_directory(level, organization_id, id);
            CREATE INDEX gateway_directory_team ON gateway_directory(level, team_id, id);
            """);
    }

    public Task<StoreWrite<DirectoryEntry>> CreateAsync(DirectoryEntry entry, CancellationToken cancellationToken) =>
        InsertAsync(database, $"INSERT INTO gateway_directory ({Columns}) VALUES ({Values})", entry with { Version = 1 }, Bind, cancellationToken);

    public async Task<DirectoryEntry?> GetAsync(ScopeLevel level, string id, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM gateway_directory WHERE level = $level AND id = $id";
        command.Add("$level", new ScopeRef(level, id).LevelName);
        command.Add("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<StorePage<DirectoryEntry>> ListAsync(DirectoryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM gateway_directory
            WHERE level = $level AND ($after IS NULL OR id > $after)
              AND ($org IS NULL OR organization_id = $org) AND ($team IS NULL OR team_id = $team)
            ORDER BY id LIMIT $limit
            """;
        command.Add("$level", new ScopeRef(query.Level, string.Empty).LevelName);
        command.Add("$after", query.After);
        command.Add("$org", query.OrganizationId);
        command.Add("$team", query.TeamId);
        command.Add("$limit", query.Limit + 1);
        return await PageAsync(command, query.Limit, Read, cancellationToken);
    }

    public Task<StoreWrite<DirectoryEntry>> UpdateAsync(DirectoryEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        UpdateIfVersionAsync(
            database,
            $"UPDATE gateway_directory SET ({Columns}) = ({Values}) WHERE level = $level AND id = $id AND version = $expected",
            entry with { Version = expectedVersion + 1 },
            expectedVersion,
            Bind,
            async () => await GetAsync(entry.Level, entry.Id, cancellationToken) is not null,
            cancellationToken);

    public async Task<StoreWriteStatus> DeleteAsync(ScopeLevel level, string id, long? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM gateway_directory WHERE level = $level AND id = $id AND ($expected IS NULL OR version = $expected)";
        command.Add("$level", new ScopeRef(level, id).LevelName);
        command.Add("$id", id);
        command.Add("$expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? StoreWriteStatus.Done
            : await GetAsync(level, id, cancellationToken) is null ? StoreWriteStatus.NotFound
            : StoreWriteStatus.Conflict;
    }

    private static void Bind(SqliteCommand command, DirectoryEntry entry)
    {
        command.Add("$level", new ScopeRef(entry.Level, entry.Id).LevelName);
        command.Add("$id", entry.Id);
        command.Add("$name", entry.Name);
        command.Add("$organization_id", entry.OrganizationId);
        command.Add("$team_id", entry.TeamId);
        command.Add("$limits", Json(entry.Limits));
        command.Add("$budget", Json(entry.Budget));
        command.Add("$metadata", Json(entry.Metadata));
        command.Add("$created_at", Millis(entry.CreatedAt));
        command.Add("$version", entry.Version);
    }

    private static DirectoryEntry Read(SqliteDataReader r) => new()
    {
        Level = ParseLevel(r.GetString(0)),
        Id = r.GetString(1),
        Name = Text(r, 2),
        OrganizationId = Text(r, 3),
        TeamId = Text(r, 4),
        Limits = ReadLimits(r, 5),
        Budget = ReadBudget(r, 6),
        Metadata = Map(r, 7),
        CreatedAt = Time(r, 8)!.Value,
        Version = r.GetInt64(9),
    };

    private static ScopeLevel ParseLevel(string name) => name switch
    {
        "organization" => ScopeLevel.Organization,
        "team" => ScopeLevel.Team,
        _ => ScopeLevel.User,
    };
}
