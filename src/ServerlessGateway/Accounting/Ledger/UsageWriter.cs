using ServerlessGateway.Configuration;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// Moves records from the queue to the store in batches (BatchSize, or whatever arrived within
/// FlushIntervalMilliseconds), at least once: a failed or timed-out batch is kept and retried with backoff until the
/// store takes it. Between batches it drains the spill file. On shutdown it writes what is queued for a bounded time
/// and spills the rest, to be written on the next start.
/// </summary>
public sealed partial class UsageWriter(
    UsageBuffer queue, IUsageStore store, BudgetAlertEvaluator alerts, LedgerStats stats, LedgerOptions options, LedgerTuning tuning, TimeProvider time, ILogger<UsageWriter> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? running;
    private readonly int batchSize = Math.Max(1, options.BatchSize);
    private readonly TimeSpan flushInterval = TimeSpan.FromMilliseconds(Math.Max(1, options.FlushIntervalMilliseconds));
    private CancellationToken hostStopping;
    private IEnumerator<SpillBatch>? draining;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not BackgroundService: its loop may never start when stopped at once, and then nothing would be flushed.
        running = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        hostStopping = cancellationToken;
        queue.Complete();
        await stopping.CancelAsync();
        if (running is not null)
        {
            // Not abandoned when the host's token fires: that token also ends the flush, and the rest is spilled at once.
            await running;
        }
    }

    public void Dispose() => stopping.Dispose();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var appender = Task.Run(AppendOverflowAsync, CancellationToken.None);
        var held = new List<UsageRecord>(batchSize);
        var spillWaiting = stats.SpillPending > 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // While the spill file has records, do not wait for the queue: alternate queue and spill batches.
                await CollectAsync(held, wait: !spillWaiting, stoppingToken);
                if (held.Count > 0)
                {
                    await StoreAsync(held, stoppingToken);
                    held.Clear();
                }

                try
                {
                    spillWaiting = await DrainSpillBatchAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The spill file could not be read: keep writing the queue, and retry the file after a pause.
                    draining?.Dispose();
                    draining = null;
                    spillWaiting = false;
                    LogSpillUnreadable(logger, ex, queue.Spill.DrainingPath);
                    await Task.Delay(tuning.MaxRetryDelay, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is held is flushed below.
        }

        draining?.Dispose();
        await FlushOnShutdownAsync(held);
        await appender;
    }

    /// <summary>Fills <paramref name="held"/> up to a batch, waiting at most one flush interval (or not at all).</summary>
    private async Task CollectAsync(List<UsageRecord> held, bool wait, CancellationToken stoppingToken)
    {
        using var window = new CancellationTokenSource(flushInterval, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, stoppingToken);
        try
        {
            while (held.Count < batchSize)
            {
                var before = held.Count;
                while (held.Count < batchSize && queue.Reader.TryRead(out var record))
                {
                    held.Add(record);
                }

                stats.Dequeued(held.Count - before);
                if (held.Count >= batchSize || !wait || !await queue.Reader.WaitToReadAsync(linked.Token))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The flush interval ended: write what arrived.
        }
    }

    /// <summary>Writes the batch, retrying with backoff until the store takes it; only shutdown interrupts.</summary>
    private async Task StoreAsync(IReadOnlyList<UsageRecord> batch, CancellationToken stoppingToken)
    {
        var delay = tuning.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteOnceAsync(batch, stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                stats.WriteFailed();
                LogWriteFailed(logger, ex, batch.Count, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, tuning.MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task WriteOnceAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(tuning.WriteTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);

        // WaitAsync: a store that ignores cancellation cannot hold the writer past the time-out.
        var totals = await store.WriteBatchAsync(batch, linked.Token).WaitAsync(tuning.WriteTimeout, time, cancellationToken);
        stats.Written(batch.Count);
        try
        {
            await alerts.EvaluateAsync(totals, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The batch is stored; the next batch charging the same window evaluates its thresholds again.
            LogAlertsFailed(logger, ex);
        }
    }

    /// <summary>Writes one batch from the spill file; true while there may be more to drain.</summary>
    private async Task<bool> DrainSpillBatchAsync(CancellationToken stoppingToken)
    {
        if (draining is null)
        {
            if (stats.SpillPending == 0 || !queue.Spill.TryBeginDrain())
            {
                return false;
            }

            draining = queue.Spill.ReadDraining(batchSize).GetEnumerator();
        }

        if (!draining.MoveNext())
        {
            draining.Dispose();
            draining = null;
            queue.Spill.FinishDrain();
            return stats.SpillPending > 0;
        }

        await StoreAsync(draining.Current.Records, stoppingToken);
        stats.SpillDrained(draining.Current.Lines);
        return true;
    }

    /// <summary>The overflow buffer's single appender: moves records to the spill file in batches, off the callers' threads.</summary>
    private async Task AppendOverflowAsync()
    {
        var buffer = new List<UsageRecord>();
        while (await queue.OverflowReader.WaitToReadAsync())
        {
            while (buffer.Count < 1000 && queue.OverflowReader.TryRead(out var record))
            {
                buffer.Add(record);
            }

            SpillOrCountLost(buffer);
            buffer.Clear();
        }
    }

    private async Task FlushOnShutdownAsync(List<UsageRecord> held)
    {
        while (queue.Reader.TryRead(out var record))
        {
            held.Add(record);
            stats.Dequeued(1);
        }

        using var timeout = new CancellationTokenSource(tuning.ShutdownFlushTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, hostStopping);
        var written = 0;
        try
        {
            for (; written < held.Count; written += batchSize)
            {
                await WriteOnceAsync(held.GetRange(written, Math.Min(batchSize, held.Count - written)), deadline.Token);
            }
        }
        catch (Exception ex)
        {
            LogShutdownSpill(logger, ex, held.Count - written, queue.Spill.Path);
        }

        if (written < held.Count)
        {
            SpillOrCountLost(held.GetRange(written, held.Count - written));
        }
    }

    private void SpillOrCountLost(List<UsageRecord> records)
    {
        try
        {
            queue.Spill.Append(records);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stats.Lost(records.Count);
            LogSpillFailed(logger, ex, records.Count, queue.Spill.Path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage store refused a batch of {Count} records (attempt {Attempt}); retrying in {DelayMs} ms. The records are kept.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage spill file {Path} could not be read; retrying later.")]
    private static partial void LogSpillUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alerts could not be evaluated after a stored batch.")]
    private static partial void LogAlertsFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: {Count} usage records not written in time; spilled to {Path} for the next start.")]
    private static partial void LogShutdownSpill(ILogger logger, Exception exception, int count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} usage records lost: the spill file {Path} cannot be written.")]
    private static partial void LogSpillFailed(ILogger logger, Exception exception, int count, string path);
}
