using ServerlessGateway.Configuration;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Storage;

/// <summary>
/// Registers one implementation per store interface, picked by Gateway:Storage:Kind at start-up. The pipeline
/// sees only the interfaces; the Azure issue adds a "cosmos" kind here and nowhere else.
/// </summary>
public static class StorageServices
{
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<GatewayConfigStore>().Current.Storage);
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<StorageOptions>().SqlitePath));
        return services;
    }

    /// <summary>Registers <typeparamref name="T"/> as the SQLite or the in-memory implementation, by the configured kind.</summary>
    public static IServiceCollection AddStore<T>(this IServiceCollection services, Func<IServiceProvider, SqliteDatabase, T> sqlite, Func<IServiceProvider, T> memory)
        where T : class =>
        services.AddSingleton(sp => sp.GetRequiredService<StorageOptions>().Kind == StorageKinds.Sqlite
            ? sqlite(sp, sp.GetRequiredService<SqliteDatabase>())
            : memory(sp));
}
