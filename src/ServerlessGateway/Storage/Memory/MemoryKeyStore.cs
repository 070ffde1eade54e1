using ServerlessGateway.Auth.Keys;

namespace ServerlessGateway.Storage.Memory;

/// <summary>Keys in this process only (Storage:Kind memory): one lock, an index by current and previous hash.</summary>
public sealed class MemoryKeyStore : IKeyStore
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, StoredKey> byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> idByHash = new(StringComparer.Ordinal);

    public Task<StoreWrite<StoredKey>> CreateAsync(StoredKey key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (byId.ContainsKey(key.Id) || idByHash.ContainsKey(key.Hash))
            {
                return Task.FromResult(StoreWrite.Failed<StoredKey>(StoreWriteStatus.Duplicate));
            }

            var stored = key with { Version = 1 };
            byId[key.Id] = stored;
            Index(stored);
            return Task.FromResult(StoreWrite.Done(stored));
        }
    }

    public Task<StoredKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(byId.GetValueOrDefault(id));
        }
    }

    public Task<StorePage<StoredKey>> ListAsync(KeyQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var matching = byId.Values
                .Where(k => query.After is null || string.CompareOrdinal(k.Id, query.After) > 0)
                .Where(k => (query.UserId is null || k.UserId == query.UserId)
                    && (query.TeamId is null || k.TeamId == query.TeamId)
                    && (query.OrganizationId is null || k.OrganizationId == query.OrganizationId))
                .Take(query.Limit + 1)
                .ToList();
            return Task.FromResult(MemoryPages.Of(matching, query.Limit));
        }
    }

    public Task<StoreWrite<StoredKey>> UpdateAsync(StoredKey key, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!byId.TryGetValue(key.Id, out var current))
            {
                return Task.FromResult(StoreWrite.Failed<StoredKey>(StoreWriteStatus.NotFound));
            }

            if (current.Version != expectedVersion)
            {
                return Task.FromResult(StoreWrite.Failed<StoredKey>(StoreWriteStatus.Conflict));
            }

            if (idByHash.TryGetValue(key.Hash, out var owner) && owner != key.Id)
            {
                return Task.FromResult(StoreWrite.Failed<StoredKey>(StoreWriteStatus.Duplicate));
            }

            Unindex(current);
            var stored = key with { Version = expectedVersion + 1 };
            byId[key.Id] = stored;
            Index(stored);
            return Task.FromResult(StoreWrite.Done(stored));
        }
    }

    public Task<StoredKey?> FindByHashAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!idByHash.TryGetValue(hash, out var id))
            {
                return Task.FromResult<StoredKey?>(null);
            }

            var key = byId[id];
            var found = key.Hash == hash || (key.PreviousHash == hash && key.PreviousHashValidUntil > now);
            return Task.FromResult(found ? key : null);
        }
    }

    private void Index(StoredKey key)
    {
        idByHash[key.Hash] = key.Id;
        if (key.PreviousHash is { } previous)
        {
            idByHash[previous] = key.Id;
        }
    }

    private void Unindex(StoredKey key)
    {
        idByHash.Remove(key.Hash);
        if (key.PreviousHash is { } previous)
        {
            idByHash.Remove(previous);
        }
    }
}

/// <summary>Turns "limit + 1 items read" into a page and whether more follow.</summary>
internal static class MemoryPages
{
    public static StorePage<T> Of<T>(List<T> readOneMore, int limit) =>
        readOneMore.Count > limit ? new StorePage<T>(readOneMore[..limit], true) : new StorePage<T>(readOneMore, false);
}
