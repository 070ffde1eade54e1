using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerlessGateway.Caching.Embedders;
using ServerlessGateway.Caching.Semantic;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Configuration;
using ServerlessGateway.Storage;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Caching;

public static class CacheServices
{
    /// <summary>The store named by Gateway:Caching:Store (read at start-up), the semantic index, embedders, writer and maintenance.</summary>
    public static IServiceCollection AddResponseCache(this IServiceCollection services)
    {
        services.AddSingleton<ICacheStore>(sp =>
        {
            var options = sp.GetRequiredService<GatewayConfigStore>().Current.Caching;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Store == StorageKinds.Sqlite
                ? new SqliteCacheStore(new SqliteDatabase(options.SqlitePath), time, options.MaxEntries)
                : new MemoryCacheStore(new MemoryCacheStoreOptions { MaxBytes = options.MemoryMaxBytes }, time);
        });
        services.AddSingleton<CacheStats>();
        services.AddSingleton<PartitionedVectorIndex>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmbedder, LocalEmbedder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmbedder, GatewayEmbedder>());
        services.AddHttpClient(GatewayEmbedder.ClientName, client => client.Timeout = TimeSpan.FromSeconds(2)).RemoveAllLoggers();
        services.AddSingleton<SemanticCache>();
        services.AddSingleton<CacheWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CacheWriter>());
        services.AddSingleton<CacheMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<CacheMaintenance>());
        services.AddSingleton<ResponseCache>();
        return services;
    }
}
