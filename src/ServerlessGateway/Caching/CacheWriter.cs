using System.Threading.Channels;
using ServerlessGateway.Caching.Stores;

namespace ServerlessGateway.Caching;

/// <summary>
/// Stores answers off the request path: a bounded queue drained in batches by one writer (one SQLite transaction per
/// batch), so a slow store never holds a response. When the queue is full the entry is dropped and counted (a cache
/// may forget; it must never slow the gateway down). Stopping drains what is queued.
/// </summary>
public sealed partial class CacheWriter(ICacheStore store, SemanticCache semantic, CacheStats stats, TimeProvider time, ILogger<CacheWriter> logger) : BackgroundService
{
    /// <summary>
    /// How long a small batch waits for company: a store's cost is per batch (one SQLite commit), so at low traffic
    /// answers are written together rather than one commit each. Nothing waits on this but the cache itself.
    /// </summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(10);

    private const int Capacity = 4096;
    private const int BatchSize = 128;
    private const long MaxQueuedBytes = 16 * 1024 * 1024;
    private long queuedBytes;

    private readonly Channel<Queued> queue = Channel.CreateBounded<Queued>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly List<CacheEntry> batch = new(BatchSize);
    private readonly List<Queued> taken = new(BatchSize);
    private volatile int writing;

    /// <param name="entry">The answer to store.</param>
    /// <param name="check">
    /// Whether the answer must be checked (<see cref="StorableAnswer"/>): an upstream's JSON as it came; not an answer
    /// the gateway assembled from a stream itself.
    /// </param>
    public void Enqueue(CacheEntry entry, bool check)
    {
        // Bounded by bytes as well as by count: 4,096 answers of up to MaxEntryBytes each could otherwise be gigabytes.
        if (Interlocked.Read(ref queuedBytes) + entry.Response.Length > MaxQueuedBytes || !queue.Writer.TryWrite(new Queued(entry, check)))
        {
            stats.Count(CacheCounter.StoreDropped);
            return;
        }

        Interlocked.Add(ref queuedBytes, entry.Response.Length);
    }

    /// <summary>Entries queued and not yet written (tests wait for 0).</summary>
    public int Pending => queue.Reader.Count + writing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (queue.Reader.Count < BatchSize)
                {
                    await Task.Delay(Linger, time, stoppingToken);
                }

                await DrainAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }

        await DrainAsync();
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            writing = 1;
            taken.Clear();
            while (taken.Count < BatchSize && queue.Reader.TryRead(out var queued))
            {
                taken.Add(queued);
            }

            try
            {
                if (taken.Count == 0)
                {
                    return;
                }

                await WriteAsync();
            }
            finally
            {
                writing = 0;
            }
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            batch.Clear();
            foreach (var (entry, check) in taken)
            {
                Interlocked.Add(ref queuedBytes, -entry.Response.Length);
                if (check && !StorableAnswer.Check(entry.Response))
                {
                    stats.Count(CacheCounter.NotStorable);
                    continue;
                }

                batch.Add(entry);
            }

            await store.SetManyAsync(batch, CancellationToken.None);
            foreach (var entry in batch)
            {
                semantic.Indexed(entry);
                stats.Count(CacheCounter.Stored);
            }

        }
        catch (Exception ex)
        {
            stats.Count(CacheCounter.Failures);
            LogWriteFailed(logger, ex, batch.Count);
        }
    }

    private readonly record struct Queued(CacheEntry Entry, bool Check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} cache entries could not be stored")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
