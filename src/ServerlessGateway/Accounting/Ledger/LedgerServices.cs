using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerlessGateway.Accounting.Ledger.Rollups;
using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;
using ServerlessGateway.Jobs;
using ServerlessGateway.Storage;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Accounting.Ledger;

public static class LedgerServices
{
    /// <summary>The usage ledger: sink, queue, spill file, writer, store, alerts and the spend roll-up job and timer.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services)
    {
        // Ledger settings are read at start-up (queue and batch sizes are not reloadable).
        services.TryAddSingleton(sp => sp.GetRequiredService<GatewayConfigStore>().Current.Governance.Ledger);
        services.TryAddSingleton(new LedgerTuning());
        services.AddSingleton<LedgerStats>();
        services.AddSingleton(sp => new UsageSpillFile(sp.GetRequiredService<LedgerOptions>().SpillPath, sp.GetRequiredService<LedgerStats>()));
        services.AddSingleton<UsageBuffer>();
        services.AddSingleton<IUsageSink>(sp => sp.GetRequiredService<UsageBuffer>());
        services.AddStore<IUsageStore>(
            (sp, database) => new SqliteUsageStore(database, ZoneOf(sp)),
            sp => new InMemoryUsageStore(ZoneOf(sp)));

        // Both implementations keep records and roll-ups together: the roll-up store is the same object.
        services.AddSingleton(sp => (ISpendRollupStore)sp.GetRequiredService<IUsageStore>());
        services.AddSingleton(sp => new BudgetAlertEvaluator(
            sp.GetRequiredService<IUsageStore>(),
            sp.GetRequiredService<IAlertPublisher>(),
            () => sp.GetRequiredService<GatewayConfigStore>().Current.Governance.BudgetPolicy,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BudgetAlertEvaluator>>()));
        services.AddSingleton<SpendRollupJob>();
        services.AddHostedService<UsageWriter>();
        services.AddHostedService<SpendRollupTimer>();
        return services;
    }

    private static TimeZoneInfo ZoneOf(IServiceProvider services) => services.GetRequiredService<GatewayConfigStore>().Current.TimeZone;
}
