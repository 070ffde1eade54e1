using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ServerlessGateway.Alerts;

/// <summary>
/// Queues alerts for <see cref="WebhookDeliveryService"/> without ever blocking the caller (the caller is
/// settling a request). The queue is bounded: past its capacity an alert is counted and logged as
/// overflowed, not silently lost and not held in unbounded memory. An alert id already queued or
/// delivered by this process is not queued again.
/// </summary>
public sealed partial class WebhookAlertPublisher : IAlertPublisher
{
    public const int DefaultCapacity = 1024;

    /// <summary>Remembered ids beyond this are pruned of windows that have ended.</summary>
    private const int PruneAbove = 4096;

    private readonly Channel<BudgetAlert> queue;
    private readonly ConcurrentDictionary<string, DateTimeOffset> accepted = new(StringComparer.Ordinal);
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private long overflowed;

    public WebhookAlertPublisher(ILogger<WebhookAlertPublisher> logger, TimeProvider time)
        : this(logger, time, DefaultCapacity)
    {
    }

    internal WebhookAlertPublisher(ILogger logger, TimeProvider time, int capacity)
    {
        this.logger = logger;
        this.time = time;
        queue = Channel.CreateBounded<BudgetAlert>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Alerts refused because the queue was full, since start.</summary>
    public long Overflowed => Interlocked.Read(ref overflowed);

    internal ChannelReader<BudgetAlert> Reader => queue.Reader;

    public void Publish(BudgetAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!accepted.TryAdd(alert.Id, alert.WindowEnd))
        {
            return; // queued or delivered already
        }

        if (queue.Writer.TryWrite(alert))
        {
            return;
        }

        accepted.TryRemove(alert.Id, out _); // not queued, so the same crossing published later may still go out
        LogOverflow(logger, alert.Id, Interlocked.Increment(ref overflowed));
    }

    /// <summary>Called by the delivery service: an alert that reached no webhook may be published again.</summary>
    internal void Finished(BudgetAlert alert, bool delivered)
    {
        if (!delivered)
        {
            accepted.TryRemove(alert.Id, out _);
        }

        if (accepted.Count > PruneAbove)
        {
            var now = time.GetUtcNow();
            foreach (var (id, windowEnd) in accepted)
            {
                if (windowEnd < now)
                {
                    accepted.TryRemove(id, out _); // its window is over: it cannot be crossed again
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Budget alert {AlertId} dropped: the alert queue is full ({Overflowed} dropped since start); webhooks are not keeping up")]
    private static partial void LogOverflow(ILogger logger, string alertId, long overflowed);
}
