using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Auth.Identity;

/// <summary>
/// Configuration keys first (no lookup at all unless they name a user, team or organisation), then the cache,
/// then the key store. The presented key is hashed once; the store is searched by hash and the hash it returns is
/// compared again in constant time, so neither lookup timing nor a store's index says how close a guess was.
/// </summary>
public sealed class IdentityResolver(IKeyStore keys, CallerIdentityFactory factory, IdentityCache cache, TimeProvider time) : IIdentityResolver
{
    public ValueTask<IdentityResolution> ResolveAsync(HttpRequest request, GatewaySnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!KeyAuthenticator.TryReadKey(request, out var presented))
        {
            return new(KeyAuthenticator.HasCredentials(request) ? IdentityResolution.Invalid : IdentityResolution.Missing);
        }

        Span<char> hash = stackalloc char[KeyTable.HashLength];
        if (!KeyTable.TryHash(presented, hash))
        {
            return new(IdentityResolution.Invalid);
        }

        var configured = snapshot.Keys.FindByHash(hash);
        if (configured is not null && !CallerIdentityFactory.NeedsDirectory(configured))
        {
            return new(IdentityResolution.Of(configured));
        }

        var now = time.GetUtcNow();
        return cache.TryGet(hash, snapshot, now, out var cached)
            ? new(cached)
            : new(ResolveUncachedAsync(new string(hash), configured, snapshot, now, cancellationToken));
    }

    private async Task<IdentityResolution> ResolveUncachedAsync(
        string hash, CallerIdentity? configured, GatewaySnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var generation = cache.Generation;
        IdentityResolution resolution;
        DateTimeOffset? validUntil;
        try
        {
            (resolution, validUntil) = configured is not null
                ? (IdentityResolution.Of(await factory.ForConfigKeyAsync(configured, cancellationToken)), null)
                : await ResolveStoredAsync(hash, now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A store that cannot answer (locked, corrupt, unreachable) is the gateway's problem, not a wrong key:
            // 503 with Retry-After, never cached, so the next request tries again.
            return IdentityResolution.Unavailable;
        }

        cache.Add(hash, snapshot, resolution, now, validUntil, generation);
        return resolution;
    }

    private async Task<(IdentityResolution Resolution, DateTimeOffset? ValidUntil)> ResolveStoredAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = await keys.FindByHashAsync(hash, now, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return (IdentityResolution.Invalid, null);
        }

        var isCurrent = KeySecrets.HashesMatch(key.Hash, hash);
        var isPrevious = !isCurrent && key.PreviousHash is { } previous && KeySecrets.HashesMatch(previous, hash) && now < key.PreviousHashValidUntil;
        if (!isCurrent && !isPrevious)
        {
            return (IdentityResolution.Invalid, null);
        }

        if (key.ExpiresAt <= now)
        {
            return (IdentityResolution.Expired, null);
        }

        var validUntil = isPrevious && key.PreviousHashValidUntil < (key.ExpiresAt ?? DateTimeOffset.MaxValue) ? key.PreviousHashValidUntil : key.ExpiresAt;
        return (IdentityResolution.Of(await factory.ForStoredKeyAsync(key, cancellationToken)), validUntil);
    }
}
