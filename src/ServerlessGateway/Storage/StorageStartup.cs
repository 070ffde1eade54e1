using Microsoft.Data.Sqlite;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Storage;

/// <summary>
/// Opens every store before the app listens, so an unusable one (a SQLite path that cannot be created or
/// written, a corrupt file) stops start-up with a clear message instead of failing the first request.
/// </summary>
public static class StorageStartup
{
    public static void OpenStores(IServiceProvider services)
    {
        var storage = services.GetRequiredService<StorageOptions>();
        try
        {
            services.GetRequiredService<ICounterStore>();
            services.GetRequiredService<IUsageStore>();
            services.GetRequiredService<IKeyStore>();
            services.GetRequiredService<IDirectoryStore>();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException([$"Gateway:Storage:SqlitePath '{storage.SqlitePath}' cannot be used as the gateway's store: {ex.Message}"]);
        }
    }
}
