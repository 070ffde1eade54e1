using ServerlessGateway.Limits;
using ServerlessGateway.Storage;

namespace ServerlessGateway.Auth.Directory;

/// <summary>
/// Organisations, teams and users (SQLite, memory; Cosmos DB in the Azure issue). Writes are conditional on the
/// version read, so two admins cannot silently overwrite each other. Referential checks (a team's organisation
/// exists, an organisation with teams is not deleted) are the admin API's, not the store's.
/// </summary>
public interface IDirectoryStore
{
    /// <summary><see cref="StoreWriteStatus.Duplicate"/> when the level already has this id.</summary>
    Task<StoreWrite<DirectoryEntry>> CreateAsync(DirectoryEntry entry, CancellationToken cancellationToken);

    Task<DirectoryEntry?> GetAsync(ScopeLevel level, string id, CancellationToken cancellationToken);

    Task<StorePage<DirectoryEntry>> ListAsync(DirectoryQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces the entry if its stored version is <paramref name="expectedVersion"/>; the stored one gets version + 1.</summary>
    Task<StoreWrite<DirectoryEntry>> UpdateAsync(DirectoryEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes the entry if its stored version is <paramref name="expectedVersion"/> (any version when null).</summary>
    Task<StoreWriteStatus> DeleteAsync(ScopeLevel level, string id, long? expectedVersion, CancellationToken cancellationToken);
}
