using Azure.Core;
using ServerlessGateway.Configuration;
using ServerlessGateway.Storage.Cosmos;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Storage;

/// <summary>
/// Registers one implementation per store interface, picked by Gateway:Storage:Kind at start-up. The pipeline
/// sees only the interfaces.
/// </summary>
public static class StorageServices
{
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<GatewayConfigStore>().Current.Storage);
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<StorageOptions>().SqlitePath));
        services.AddSingleton(sp => new CosmosAccount(sp.GetRequiredService<StorageOptions>().Cosmos, sp.GetRequiredService<Func<TokenCredential>>()));
        return services;
    }

    /// <summary>Registers <typeparamref name="T"/> as the SQLite, the Cosmos DB or the in-memory implementation, by the configured kind.</summary>
    public static IServiceCollection AddStore<T>(
        this IServiceCollection services, Func<IServiceProvider, SqliteDatabase, T> sqlite, Func<IServiceProvider, CosmosAccount, T> cosmos, Func<IServiceProvider, T> memory)
        where T : class =>
        services.AddSingleton(sp => sp.GetRequiredService<StorageOptions>().Kind switch
        {
            StorageKinds.Sqlite => sqlite(sp, sp.GetRequiredService<SqliteDatabase>()),
            StorageKinds.Cosmos => cosmos(sp, sp.GetRequiredService<CosmosAccount>()),
            _ => memory(sp),
        });

    /// <summary>A store without a Cosmos DB implementation yet: the kind "cosmos" fails at start with the store's name.</summary>
    public static IServiceCollection AddStore<T>(this IServiceCollection services, Func<IServiceProvider, SqliteDatabase, T> sqlite, Func<IServiceProvider, T> memory)
        where T : class =>
        services.AddStore(sqlite, (_, _) => throw new InvalidOperationException($"{typeof(T).Name} has no Cosmos DB implementation."), memory);
}
