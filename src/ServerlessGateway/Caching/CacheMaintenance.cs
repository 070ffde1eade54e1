using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Configuration;
using ServerlessGateway.Jobs;

namespace ServerlessGateway.Caching;

/// <summary>
/// At start, rebuilds the in-memory vector index from the stored entries (the store is the source of truth; the index
/// is a derived view, so nothing about it needs persisting apart from the vectors). Then purges expired entries every
/// Gateway:Caching:PurgeIntervalSeconds. Lookups ignore expired entries anyway; the purge only frees the space.
/// </summary>
public sealed partial class CacheMaintenance(ICacheStore store, SemanticCache semantic, GatewayConfigStore config, TimeProvider time, ILogger<CacheMaintenance> logger)
    : IntervalJobService(time, logger)
{
    private readonly ILogger logger = logger;

    /// <summary>Completes once the index holds every stored vector (tests wait for it).</summary>
    public Task IndexLoaded => loaded.Task;

    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override string JobName => "Cache purge";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(config.Current.Caching.PurgeIntervalSeconds);

    protected override bool Enabled => config.Current.Caching.Enabled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var count = 0;
            await foreach (var entry in store.SemanticEntriesAsync(stoppingToken))
            {
                semantic.Indexed(entry, rebuilding: true);
                count++;
            }

            LogIndexLoaded(logger, count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cache still works: exact lookups need no index, and new entries are indexed as they are stored.
            LogIndexLoadFailed(logger, ex);
        }
        finally
        {
            loaded.TrySetResult();
        }

        await base.ExecuteAsync(stoppingToken);
    }

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        semantic.RemoveExpired();
        await store.PurgeExpiredAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic cache index loaded: {Count} entries")]
    private static partial void LogIndexLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The semantic cache index could not be loaded from the store")]
    private static partial void LogIndexLoadFailed(ILogger logger, Exception exception);
}
