using ServerlessGateway.Budgets;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Limits.Parallel;
using ServerlessGateway.Storage;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Limits;

public static class LimitsServices
{
    /// <summary>The counter store, the lease book, parallel slots, the rate limiter, the budget gate and their maintenance.</summary>
    public static IServiceCollection AddLimits(this IServiceCollection services)
    {
        services.AddStore<ICounterStore>(
            (sp, db) => new SqliteCounterStore(db, sp.GetRequiredService<TimeProvider>()),
            sp => new InMemoryCounterStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LeaseBook>();
        services.AddSingleton<ParallelSlots>();
        services.AddSingleton<IRateLimiter, RateLimiter>();
        services.AddSingleton<IBudgetGate>(sp => new BudgetGate(
            sp.GetRequiredService<LeaseBook>(),
            sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<GatewayConfigStore>().Current.TimeZone,
            sp.GetRequiredService<ILogger<BudgetGate>>()));
        services.AddHostedService<LeaseMaintenance>();
        return services;
    }
}
