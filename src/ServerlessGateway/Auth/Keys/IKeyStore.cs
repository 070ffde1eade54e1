using ServerlessGateway.Storage;

namespace ServerlessGateway.Auth.Keys;

/// <summary>
/// Where virtual keys live (SQLite, memory; Cosmos DB in the Azure issue). Narrow on purpose: revoke and
/// rotate are conditional updates (<see cref="KeyChanges"/>), so a new store implements five operations.
/// </summary>
public interface IKeyStore
{
    /// <summary>Adds a new key; <see cref="StoreWriteStatus.Duplicate"/> when its id or hash is taken.</summary>
    Task<StoreWrite<StoredKey>> CreateAsync(StoredKey key, CancellationToken cancellationToken);

    Task<StoredKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Keys ordered by id, after the cursor, matching every filter given.</summary>
    Task<StorePage<StoredKey>> ListAsync(KeyQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the key whose version is <paramref name="expectedVersion"/> (the stored one gets version + 1);
    /// <see cref="StoreWriteStatus.Conflict"/> when someone else wrote it in between.
    /// </summary>
    Task<StoreWrite<StoredKey>> UpdateAsync(StoredKey key, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// The key whose current hash is <paramref name="hash"/>, or whose previous hash it is while that is still
    /// inside its rotation grace period at <paramref name="now"/>. Revoked and expired keys are returned too:
    /// the caller decides how to refuse them.
    /// </summary>
    Task<StoredKey?> FindByHashAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Filters and a page of a listing; ids are compared ordinally.</summary>
public sealed record KeyQuery(string? UserId = null, string? TeamId = null, string? OrganizationId = null, string? After = null, int Limit = 100);
