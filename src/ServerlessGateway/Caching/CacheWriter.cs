using System.Threading.Channels;
using ServerlessGateway.Caching.Stores;

namespace ServerlessGateway.Caching;

/// <summary>
/// Stores answers off the request path: a bounded queue drained by one writer, so a slow store never holds a
/// response. When the queue is full the entry is dropped and counted (a cache may forget; it must never slow the
/// gateway down). Stopping drains what is queued.
/// </summary>
public sealed partial class CacheWriter(ICacheStore store, SemanticCache semantic, CacheStats stats, ILogger<CacheWriter> logger) : BackgroundService
{
    private const int Capacity = 4096;

    private readonly Channel<CacheEntry> queue = Channel.CreateBounded<CacheEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public void Enqueue(CacheEntry entry)
    {
        if (!queue.Writer.TryWrite(entry))
        {
            stats.Count(CacheCounter.StoreDropped);
        }
    }

    /// <summary>Entries queued and not yet written (tests wait for 0).</summary>
    public int Pending => queue.Reader.Count + writing;

    private volatile int writing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }

        await DrainAsync(CancellationToken.None);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (queue.Reader.TryPeek(out _))
        {
            writing = 1;
            queue.Reader.TryRead(out var entry);
            try
            {
                await store.SetAsync(entry!, cancellationToken);
                semantic.Indexed(entry!);
                stats.Count(CacheCounter.Stored);
            }
            catch (Exception ex)
            {
                stats.Count(CacheCounter.Failures);
                LogWriteFailed(logger, ex);
            }
            finally
            {
                writing = 0;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cache entry could not be stored")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
