using System.Runtime.CompilerServices;

namespace ServerlessGateway.Caching.Stores;

/// <summary>
/// Cached answers in this process: least recently used first out, bounded by their estimated bytes, and halved when
/// the machine runs short of memory (an answer cache is the first thing worth giving back). One lock over a
/// dictionary and a recency list keeps every get and set O(1).
/// </summary>
public sealed class MemoryCacheStore : ICacheStore
{
    /// <summary>The entry record, its list node, dictionary slot and array headers, beside the payload itself.</summary>
    internal const int EntryOverheadBytes = 200;

    private static readonly TimeSpan PressureCheckEvery = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Slot>> slots = new(StringComparer.Ordinal);
    private readonly LinkedList<Slot> recency = new(); // most recently used first
    private readonly long maxBytes;
    private readonly TimeProvider time;
    private readonly Func<bool> underMemoryPressure;
    private long bytes;
    private long evictions;
    private long nextPressureCheckTicks;

    public MemoryCacheStore(MemoryCacheStoreOptions options, TimeProvider time)
        : this(options, time, IsUnderMemoryPressure)
    {
    }

    /// <summary>With <paramref name="underMemoryPressure"/> standing in for the GC's memory load (tests).</summary>
    internal MemoryCacheStore(MemoryCacheStoreOptions options, TimeProvider time, Func<bool> underMemoryPressure)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBytes);
        maxBytes = options.MaxBytes;
        this.time = time;
        this.underMemoryPressure = underMemoryPressure;
    }

    public CacheStoreStats Stats
    {
        get
        {
            lock (gate)
            {
                return new CacheStoreStats(slots.Count, bytes, evictions);
            }
        }
    }

    /// <summary>What an entry is reckoned to take: its response, vector and strings, plus <see cref="EntryOverheadBytes"/>.</summary>
    public static long SizeOf(CacheEntry entry) =>
        entry.Response.LongLength
        + ((entry.Vector?.LongLength ?? 0) * sizeof(float))
        + (2L * (entry.Key.Length + entry.Partition.Length + (entry.SemanticPartition?.Length ?? 0) + (entry.SemanticText?.Length ?? 0)))
        + EntryOverheadBytes;

    public ValueTask<CacheEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!slots.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult<CacheEntry?>(null);
            }

            if (node.Value.Entry.ExpiresAt <= now)
            {
                Unlink(node);
                return ValueTask.FromResult<CacheEntry?>(null);
            }

            recency.Remove(node);
            recency.AddFirst(node);
            return ValueTask.FromResult<CacheEntry?>(node.Value.Entry);
        }
    }

    public ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        var size = SizeOf(entry);
        var bound = PressureCheckDue() && underMemoryPressure() ? maxBytes / 2 : maxBytes;
        lock (gate)
        {
            if (slots.TryGetValue(entry.Key, out var old))
            {
                Unlink(old);
            }

            // An entry larger than the whole bound is not kept (the one it replaces is gone all the same: it is stale).
            if (size <= maxBytes)
            {
                slots[entry.Key] = recency.AddFirst(new Slot(entry, size));
                bytes += size;
            }

            while (bytes > bound && recency.Last is { } oldest)
            {
                Unlink(oldest);
                evictions++;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!slots.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult(false);
            }

            Unlink(node);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var purged = 0;
        lock (gate)
        {
            for (var node = recency.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Entry.ExpiresAt <= now)
                {
                    Unlink(node);
                    purged++;
                }

                node = next;
            }
        }

        return ValueTask.FromResult(purged);
    }

    public async IAsyncEnumerable<CacheEntry> SemanticEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<CacheEntry> semantic;
        lock (gate)
        {
            semantic = [.. recency.Select(s => s.Entry).Where(e => e.Vector is not null && e.ExpiresAt > now)];
        }

        foreach (var entry in semantic)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    private static bool IsUnderMemoryPressure()
    {
        var memory = GC.GetGCMemoryInfo();
        return memory.HighMemoryLoadThresholdBytes > 0 && memory.MemoryLoadBytes >= memory.HighMemoryLoadThresholdBytes;
    }

    /// <summary>True at most once a second: reading the GC's memory load on every set would cost more than it saves.</summary>
    private bool PressureCheckDue()
    {
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref nextPressureCheckTicks);
        return now >= due && Interlocked.CompareExchange(ref nextPressureCheckTicks, now + PressureCheckEvery.Ticks, due) == due;
    }

    private void Unlink(LinkedListNode<Slot> node)
    {
        recency.Remove(node);
        slots.Remove(node.Value.Entry.Key);
        bytes -= node.Value.Size;
    }

    private readonly record struct Slot(CacheEntry Entry, long Size);
}
