using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Storage.Memory;

/// <summary>Organisations, teams and users in this process only (Storage:Kind memory).</summary>
public sealed class MemoryDirectoryStore : IDirectoryStore
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<(ScopeLevel Level, string Id), DirectoryEntry> entries = new(EntryOrder.Instance);

    public Task<StoreWrite<DirectoryEntry>> CreateAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var stored = entry with { Version = 1 };
            return Task.FromResult(entries.TryAdd((entry.Level, entry.Id), stored)
                ? StoreWrite.Done(stored)
                : StoreWrite.Failed<DirectoryEntry>(StoreWriteStatus.Duplicate));
        }
    }

    public Task<DirectoryEntry?> GetAsync(ScopeLevel level, string id, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(entries.GetValueOrDefault((level, id)));
        }
    }

    public Task<StorePage<DirectoryEntry>> ListAsync(DirectoryQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var matching = entries.Values
                .Where(e => e.Level == query.Level && (query.After is null || string.CompareOrdinal(e.Id, query.After) > 0))
                .Where(e => (query.OrganizationId is null || e.OrganizationId == query.OrganizationId) && (query.TeamId is null || e.TeamId == query.TeamId))
                .Take(query.Limit + 1)
                .ToList();
            return Task.FromResult(MemoryPages.Of(matching, query.Limit));
        }
    }

    public Task<StoreWrite<DirectoryEntry>> UpdateAsync(DirectoryEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var status = Check(entry.Level, entry.Id, expectedVersion);
            if (status != StoreWriteStatus.Done)
            {
                return Task.FromResult(StoreWrite.Failed<DirectoryEntry>(status));
            }

            var stored = entry with { Version = expectedVersion + 1 };
            entries[(entry.Level, entry.Id)] = stored;
            return Task.FromResult(StoreWrite.Done(stored));
        }
    }

    public Task<StoreWriteStatus> DeleteAsync(ScopeLevel level, string id, long? expectedVersion, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var status = Check(level, id, expectedVersion);
            if (status == StoreWriteStatus.Done)
            {
                entries.Remove((level, id));
            }

            return Task.FromResult(status);
        }
    }

    private StoreWriteStatus Check(ScopeLevel level, string id, long? expectedVersion) =>
        !entries.TryGetValue((level, id), out var current) ? StoreWriteStatus.NotFound
        : expectedVersion is { } expected && current.Version != expected ? StoreWriteStatus.Conflict
        : StoreWriteStatus.Done;

    private sealed class EntryOrder : IComparer<(ScopeLevel Level, string Id)>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare((ScopeLevel Level, string Id) x, (ScopeLevel Level, string Id) y) =>
            x.Level != y.Level ? x.Level.CompareTo(y.Level) : string.CompareOrdinal(x.Id, y.Id);
    }
}
