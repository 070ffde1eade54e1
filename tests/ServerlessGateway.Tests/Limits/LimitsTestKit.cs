using System.Collections.Frozen;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessGateway.Auth;
using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Limits.Parallel;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Tests.Limits;

/// <summary>A SQLite file in its own temp directory, deleted afterwards.</summary>
public sealed class TempSqlite : IDisposable
{
    private readonly string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gateway-limits-{Guid.NewGuid():N}");

    public string Path => System.IO.Path.Combine(directory, "gateway.db");

    /// <summary>A separate database object (its own connections), as another process would open the file.</summary>
    public SqliteDatabase Open() => new(Path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp eventually.
        }
    }
}

/// <summary>One simulated gateway instance: its own database object, counter store, lease book and admission services.</summary>
public sealed class GatewayInstance
{
    public GatewayInstance(ICounterStore store, TimeProvider time, TimeZoneInfo? zone = null)
    {
        Store = store;
        Book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        Slots = new ParallelSlots(store, time, NullLogger<ParallelSlots>.Instance);
        Limiter = new RateLimiter(Book, Slots, time, NullLogger<RateLimiter>.Instance);
        Budgets = new BudgetGate(Book, time, () => zone ?? TimeZoneInfo.Utc, NullLogger<BudgetGate>.Instance);
        Maintenance = new LeaseMaintenance(Book, Slots, time, NullLogger<LeaseMaintenance>.Instance);
    }

    public ICounterStore Store { get; }

    public LeaseBook Book { get; }

    public ParallelSlots Slots { get; }

    public RateLimiter Limiter { get; }

    public BudgetGate Budgets { get; }

    public LeaseMaintenance Maintenance { get; }

    public static GatewayInstance OnSqlite(TempSqlite file, TimeProvider time, TimeZoneInfo? zone = null) =>
        new(new SqliteCounterStore(file.Open(), time), time, zone);
}

/// <summary>Callers with the scopes a test needs.</summary>
public static class Callers
{
    public static CallerIdentity With(params GovernedScope[] scopes) => new("test", isAdmin: false, allowedModels: null) { Scopes = scopes };

    public static GovernedScope Scope(ScopeLevel level, string id, RateLimits? all = null, BudgetSpec? budget = null, params (string Model, RateLimits Limits)[] perModel) =>
        new(
            new ScopeRef(level, id),
            new LimitSpec(all ?? RateLimits.None, perModel.ToFrozenDictionary(p => p.Model, p => p.Limits, StringComparer.Ordinal)),
            budget);
}
