using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Storage;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.Auth.Identity;

public static class IdentityServices
{
    /// <summary>Key and directory stores (by Gateway:Storage:Kind), the identity cache and the resolver.</summary>
    public static IServiceCollection AddGatewayIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton<ISecretGenerator, CryptoSecretGenerator>();
        services.TryAddSingleton(IdentityCacheSettings.Default);
        services.AddStore<IKeyStore>((_, database) => new SqliteKeyStore(database), _ => new MemoryKeyStore());
        services.AddStore<IDirectoryStore>((_, database) => new SqliteDirectoryStore(database), _ => new MemoryDirectoryStore());
        services.AddSingleton<IdentityCache>();
        services.AddSingleton<CallerIdentityFactory>();
        services.AddSingleton<IIdentityResolver, IdentityResolver>();
        return services;
    }
}
