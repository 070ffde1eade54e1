using System.Threading.Channels;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// The request path's side of the ledger. <see cref="Record"/> never blocks on the store and never throws: a record
/// goes into a bounded queue; when that is full, into a small overflow buffer that the writer's appender moves to the
/// spill file; when that is full too (or the writer has stopped), the caller appends it to the spill file itself —
/// a short file write on an overloaded gateway is the price of keeping memory bounded without dropping anything.
/// </summary>
public sealed partial class UsageBuffer : IUsageSink
{
    private readonly Channel<UsageRecord> queue;
    private readonly Channel<UsageRecord> overflow;
    private readonly LedgerStats stats;
    private readonly TimeProvider time;
    private readonly TimeSpan warningInterval;
    private readonly ILogger<UsageBuffer> logger;
    private long lastWarningTicks = long.MinValue;
    private long overflowAtLastWarning;

    public UsageBuffer(LedgerOptions options, LedgerTuning tuning, UsageSpillFile spill, LedgerStats stats, TimeProvider time, ILogger<UsageBuffer> logger)
    {
        Capacity = Math.Max(1, options.QueueCapacity);
        queue = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        overflow = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(Math.Max(1, tuning.OverflowBufferCapacity)) { SingleReader = true });
        Spill = spill;
        this.stats = stats;
        this.time = time;
        this.logger = logger;
        warningInterval = tuning.OverflowWarningInterval;
    }

    public int Capacity { get; }

    /// <summary>Records in memory waiting for the writer (never more than <see cref="Capacity"/>).</summary>
    public int Count => queue.Reader.Count;

    public UsageSpillFile Spill { get; }

    internal ChannelReader<UsageRecord> Reader => queue.Reader;

    internal ChannelReader<UsageRecord> OverflowReader => overflow.Reader;

    public void Record(UsageRecord record)
    {
        try
        {
            if (queue.Writer.TryWrite(record))
            {
                stats.Queued();
                return;
            }

            stats.Overflowed();
            WarnOverflow();
            if (!overflow.Writer.TryWrite(record))
            {
                // On the caller's thread only when the queue and the overflow are both full: written to the OS
                // (it survives the process) but not forced to disk, so overload does not serialise requests on fsync.
                Spill.Append([record], durable: false);
            }
        }
        catch (Exception ex) // never throw into the request: count and log the loss instead
        {
            stats.Lost(1);
            LogLost(logger, ex, record.RequestId, record.Attempt, Spill.Path);
        }
    }

    /// <summary>Shutdown: the writer takes what is queued; later records go straight to the spill file.</summary>
    internal void Complete()
    {
        queue.Writer.TryComplete();
        overflow.Writer.TryComplete();
    }

    private void WarnOverflow()
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref lastWarningTicks);
        if (last != long.MinValue && now - last < warningInterval.Ticks)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref lastWarningTicks, now, last) == last)
        {
            var total = stats.OverflowTotal;
            LogOverflow(logger, total - Interlocked.Exchange(ref overflowAtLastWarning, total), Capacity, total, Spill.Path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage ledger queue full ({Capacity} records): {Count} records spilled to {Path} since the last warning ({Total} in all). The usage store is not keeping up.")]
    private static partial void LogOverflow(ILogger logger, long count, int capacity, long total, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage record {RequestId}#{Attempt} lost: the queue is full and the spill file {Path} cannot be written.")]
    private static partial void LogLost(ILogger logger, Exception exception, string requestId, int attempt, string path);
}
