using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;
using ServerlessGateway.Storage;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Tests.Auth;

/// <summary>What every key and directory store must do; each implementation runs the same tests.</summary>
public abstract class IdentityStoreContract
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IKeyStore Keys { get; }

    protected abstract IDirectoryStore Directory { get; }

    private static CancellationToken None => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_key_reads_back_field_for_field()
    {
        var key = Key("key_a", "secret-a") with
        {
            Role = KeyRoles.Admin,
            Models = ["mock-echo"],
            UserId = "u1",
            TeamId = "t1",
            OrganizationId = "o1",
            Limits = new LimitOptions { RequestsPerMinute = 5, PerModel = { ["mock-echo"] = new LimitOptions { TokensPerMinute = 100 } } },
            Budget = new BudgetOptions { MaxUsd = 12.5m, Period = "daily" },
            Metadata = new Dictionary<string, string> { ["owner"] = "ann" },
            Tags = new Dictionary<string, string> { ["app"] = "search" },
            ExpiresAt = Now.AddDays(1),
        };

        Assert.Equal(StoreWriteStatus.Done, (await Keys.CreateAsync(key, None)).Status);
        var read = await Keys.GetAsync("key_a", None);

        Assert.NotNull(read);
        Assert.Equal((key.Name, key.Hash, key.Role, key.UserId, key.TeamId, key.OrganizationId, key.ExpiresAt, 1L), (read.Name, read.Hash, read.Role, read.UserId, read.TeamId, read.OrganizationId, read.ExpiresAt, read.Version));
        Assert.Equal(["mock-echo"], read.Models);
        Assert.Equal(5, read.Limits!.RequestsPerMinute);
        Assert.Equal(100, read.Limits.PerModel["mock-echo"].TokensPerMinute);
        Assert.Equal(12.5m, read.Budget!.MaxUsd);
        Assert.Equal("ann", read.Metadata["owner"]);
        Assert.Equal("search", read.Tags["app"]);
    }

    [Fact]
    public async Task A_second_key_with_the_same_id_or_secret_is_a_duplicate()
    {
        await Keys.CreateAsync(Key("key_a", "secret-a"), None);

        Assert.Equal(StoreWriteStatus.Duplicate, (await Keys.CreateAsync(Key("key_a", "secret-b"), None)).Status);
        Assert.Equal(StoreWriteStatus.Duplicate, (await Keys.CreateAsync(Key("key_b", "secret-a"), None)).Status);
    }

    [Fact]
    public async Task An_update_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var created = (await Keys.CreateAsync(Key("key_a", "secret-a"), None)).Value!;
        var first = await Keys.UpdateAsync(created with { Name = "first" }, created.Version, None);
        var second = await Keys.UpdateAsync(created with { Name = "second" }, created.Version, None);

        Assert.Equal((StoreWriteStatus.Done, 2L), (first.Status, first.Value!.Version));
        Assert.Equal(StoreWriteStatus.Conflict, second.Status);
        Assert.Equal("first", (await Keys.GetAsync("key_a", None))!.Name);
        Assert.Equal(StoreWriteStatus.NotFound, (await Keys.UpdateAsync(Key("key_zz", "x"), 1, None)).Status);
    }

    [Fact]
    public async Task A_rotated_key_is_found_by_its_new_hash_and_by_the_old_one_only_inside_the_grace()
    {
        await Keys.CreateAsync(Key("key_a", "old-secret"), None);
        await Keys.RotateAsync("key_a", "new-secret", Now.AddMinutes(10), null, None);

        Assert.Equal("key_a", (await Keys.FindByHashAsync(KeySecrets.Hash("new-secret"), Now, None))?.Id);
        Assert.Equal("key_a", (await Keys.FindByHashAsync(KeySecrets.Hash("old-secret"), Now.AddMinutes(9), None))?.Id);
        Assert.Null(await Keys.FindByHashAsync(KeySecrets.Hash("old-secret"), Now.AddMinutes(10), None));
        Assert.Null(await Keys.FindByHashAsync(KeySecrets.Hash("never-issued"), Now, None));
    }

    [Fact]
    public async Task Revoking_keeps_the_first_revocation_time()
    {
        await Keys.CreateAsync(Key("key_a", "secret-a"), None);
        await Keys.RevokeAsync("key_a", Now, null, None);
        var again = await Keys.RevokeAsync("key_a", Now.AddHours(1), null, None);

        Assert.Equal(Now, again.Value!.RevokedAt);
        Assert.Equal(StoreWriteStatus.NotFound, (await Keys.RevokeAsync("key_none", Now, null, None)).Status);
        Assert.Equal(StoreWriteStatus.Conflict, (await Keys.RevokeAsync("key_a", Now, expectedVersion: 1, None)).Status);
    }

    [Fact]
    public async Task Listing_filters_and_pages_in_id_order()
    {
        for (var i = 0; i < 5; i++)
        {
            await Keys.CreateAsync(Key($"key_{i}", $"secret-{i}") with { TeamId = i % 2 == 0 ? "even" : "odd" }, None);
        }

        var first = await Keys.ListAsync(new KeyQuery(TeamId: "even", Limit: 2), None);
        var rest = await Keys.ListAsync(new KeyQuery(TeamId: "even", After: first.Items[^1].Id, Limit: 2), None);

        Assert.Equal(["key_0", "key_2"], first.Items.Select(k => k.Id));
        Assert.True(first.HasMore);
        Assert.Equal(["key_4"], rest.Items.Select(k => k.Id));
        Assert.False(rest.HasMore);
    }

    [Fact]
    public async Task Directory_entries_are_kept_per_level_with_versions()
    {
        var team = Entry(ScopeLevel.Team, "t1") with { OrganizationId = "o1", Budget = new BudgetOptions { MaxUsd = 3m } };
        await Directory.CreateAsync(team, None);
        await Directory.CreateAsync(Entry(ScopeLevel.User, "t1"), None); // same id, other level: a different entry

        Assert.Equal(StoreWriteStatus.Duplicate, (await Directory.CreateAsync(team, None)).Status);
        var read = await Directory.GetAsync(ScopeLevel.Team, "t1", None);
        Assert.Equal(("o1", 3m, 1L), (read!.OrganizationId, read.Budget!.MaxUsd, read.Version));
        Assert.Null(await Directory.GetAsync(ScopeLevel.Organization, "t1", None));

        var updated = await Directory.UpdateAsync(read with { Name = "renamed" }, 1, None);
        Assert.Equal((StoreWriteStatus.Done, 2L), (updated.Status, updated.Value!.Version));
        Assert.Equal(StoreWriteStatus.Conflict, (await Directory.UpdateAsync(read, 1, None)).Status);
        Assert.Equal(StoreWriteStatus.Conflict, await Directory.DeleteAsync(ScopeLevel.Team, "t1", 1, None));
        Assert.Equal(StoreWriteStatus.Done, await Directory.DeleteAsync(ScopeLevel.Team, "t1", 2, None));
        Assert.Equal(StoreWriteStatus.NotFound, await Directory.DeleteAsync(ScopeLevel.Team, "t1", null, None));
        Assert.NotNull(await Directory.GetAsync(ScopeLevel.User, "t1", None));
    }

    [Fact]
    public async Task Directory_listing_filters_by_organization_and_team()
    {
        await Directory.CreateAsync(Entry(ScopeLevel.User, "u1") with { OrganizationId = "o1", TeamId = "t1" }, None);
        await Directory.CreateAsync(Entry(ScopeLevel.User, "u2") with { OrganizationId = "o1" }, None);
        await Directory.CreateAsync(Entry(ScopeLevel.User, "u3") with { OrganizationId = "o2" }, None);
        await Directory.CreateAsync(Entry(ScopeLevel.Team, "t1") with { OrganizationId = "o1" }, None);

        Assert.Equal(["u1", "u2"], (await Directory.ListAsync(new DirectoryQuery(ScopeLevel.User, OrganizationId: "o1"), None)).Items.Select(e => e.Id));
        Assert.Equal(["u1"], (await Directory.ListAsync(new DirectoryQuery(ScopeLevel.User, TeamId: "t1"), None)).Items.Select(e => e.Id));
        Assert.Equal(["t1"], (await Directory.ListAsync(new DirectoryQuery(ScopeLevel.Team), None)).Items.Select(e => e.Id));
    }

    private static StoredKey Key(string id, string secret) => new()
    {
        Id = id,
        Name = "name-" + id,
        Hash = KeySecrets.Hash(secret),
        DisplayPrefix = KeySecrets.DisplayPrefix(secret),
        CreatedAt = Now,
    };

    private static DirectoryEntry Entry(ScopeLevel level, string id) => new() { Level = level, Id = id, CreatedAt = Now };
}

public sealed class MemoryIdentityStoreTests : IdentityStoreContract
{
    protected override IKeyStore Keys { get; } = new MemoryKeyStore();

    protected override IDirectoryStore Directory { get; } = new MemoryDirectoryStore();
}

public sealed class SqliteIdentityStoreTests : IdentityStoreContract, IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.db");

    public SqliteIdentityStoreTests()
    {
        var database = new SqliteDatabase(path);
        Keys = new SqliteKeyStore(database);
        Directory = new SqliteDirectoryStore(database);
    }

    protected override IKeyStore Keys { get; }

    protected override IDirectoryStore Directory { get; }

    [Fact]
    public async Task A_second_store_on_the_same_file_sees_the_first_ones_keys_and_migrations_run_once()
    {
        await Keys.CreateAsync(new StoredKey { Id = "key_x", Name = "x", Hash = KeySecrets.Hash("s"), DisplayPrefix = "s…", CreatedAt = DateTimeOffset.UnixEpoch }, TestContext.Current.CancellationToken);

        var other = new SqliteKeyStore(new SqliteDatabase(path));

        Assert.Equal("x", (await other.GetAsync("key_x", TestContext.Current.CancellationToken))?.Name);
    }

    public void Dispose() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
