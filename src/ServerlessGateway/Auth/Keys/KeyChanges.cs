using ServerlessGateway.Storage;

namespace ServerlessGateway.Auth.Keys;

/// <summary>Revoke, rotate and patch as conditional updates over <see cref="IKeyStore"/>.</summary>
public static class KeyChanges
{
    public static Task<StoreWrite<StoredKey>> ChangeAsync(
        this IKeyStore store, string id, Func<StoredKey, StoredKey> change, long? expectedVersion, CancellationToken cancellationToken) =>
        ConditionalUpdate.ApplyAsync(
            ct => store.GetAsync(id, ct), k => k.Version, (k, v, ct) => store.UpdateAsync(k, v, ct), change, expectedVersion, cancellationToken);

    /// <summary>Revokes the key (an already revoked key keeps its first revocation time).</summary>
    public static Task<StoreWrite<StoredKey>> RevokeAsync(this IKeyStore store, string id, DateTimeOffset at, long? expectedVersion, CancellationToken cancellationToken) =>
        store.ChangeAsync(id, k => k with { RevokedAt = k.RevokedAt ?? at }, expectedVersion, cancellationToken);

    /// <summary>
    /// Gives the key a new secret; the old one keeps working until <paramref name="previousValidUntil"/>
    /// (a secret rotated away earlier stops at once: only one previous secret is kept).
    /// </summary>
    public static Task<StoreWrite<StoredKey>> RotateAsync(
        this IKeyStore store, string id, string newSecret, DateTimeOffset previousValidUntil, long? expectedVersion, CancellationToken cancellationToken) =>
        store.ChangeAsync(
            id,
            k => k with
            {
                Hash = KeySecrets.Hash(newSecret),
                DisplayPrefix = KeySecrets.DisplayPrefix(newSecret),
                PreviousHash = k.Hash,
                PreviousHashValidUntil = previousValidUntil,
            },
            expectedVersion,
            cancellationToken);
}
