using System.Collections.Concurrent;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Auth.Identity;

/// <summary>How long and how many resolved identities are kept in memory.</summary>
/// <param name="PositiveTtl">How long a valid key is trusted without asking the store: a revocation made by another
/// instance takes effect within this time (one made here takes effect at once).</param>
/// <param name="NegativeTtl">How long an unknown key is remembered as unknown, so a flood of bad keys does not reach the store.</param>
public sealed record IdentityCacheSettings(TimeSpan PositiveTtl, TimeSpan NegativeTtl, int Capacity, int NegativeCapacity)
{
    public static readonly IdentityCacheSettings Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 50_000, 10_000);
}

/// <summary>
/// Resolved identities by key hash. Bounded: a full map is emptied (rare; refilled from the store) rather than
/// growing. Valid and unknown keys are kept apart so bad keys cannot evict good ones. An entry belongs to the
/// configuration snapshot it was resolved against, so a reload is seen at once.
/// </summary>
public sealed class IdentityCache(IdentityCacheSettings settings)
{
    private readonly ConcurrentDictionary<string, Entry> known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> unknown = new(StringComparer.Ordinal);
    private long generation;

    public IdentityCacheSettings Settings => settings;

    /// <summary>Changes whenever the cache is cleared; a resolution started before a clear must not be stored after it.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public bool TryGet(ReadOnlySpan<char> hash, GatewaySnapshot snapshot, DateTimeOffset now, out IdentityResolution resolution)
    {
        if ((known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hash, out var entry)
                || unknown.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hash, out entry))
            && entry.Snapshot == snapshot && now < entry.FreshUntil)
        {
            resolution = entry.Resolution;
            return true;
        }

        resolution = default;
        return false;
    }

    /// <summary>Keeps the resolution until <paramref name="validUntil"/> or the TTL, whichever is first.</summary>
    public void Add(string hash, GatewaySnapshot snapshot, IdentityResolution resolution, DateTimeOffset now, DateTimeOffset? validUntil, long resolvedInGeneration)
    {
        var isKnown = resolution.Caller is not null;
        var map = isKnown ? known : unknown;
        var freshUntil = now + (isKnown ? settings.PositiveTtl : settings.NegativeTtl);
        if (validUntil < freshUntil)
        {
            freshUntil = validUntil.Value;
        }

        if (map.Count >= (isKnown ? settings.Capacity : settings.NegativeCapacity))
        {
            map.Clear();
        }

        map[hash] = new Entry(resolution, snapshot, freshUntil);
        if (Generation != resolvedInGeneration)
        {
            // A local admin change cleared the cache while this was resolved: the entry may predate it.
            map.TryRemove(hash, out _);
        }
    }

    /// <summary>Forgets everything: called on every local admin write, so revocations and changes apply at once here.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref generation);
        known.Clear();
        unknown.Clear();
    }

    private sealed record Entry(IdentityResolution Resolution, GatewaySnapshot Snapshot, DateTimeOffset FreshUntil);
}
