using Microsoft.Extensions.Logging;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Accounting.Ledger;

/// <summary>The ledger's parts wired by hand around a given store, with short timings, and its writer running.</summary>
internal sealed class LedgerRig : IAsyncDisposable
{
    private bool stopped;

    public LedgerRig(IUsageStore store, int capacity = 1000, int batchSize = 50, int flushMs = 20, string? spillPath = null, TimeSpan? shutdownFlush = null)
    {
        Store = store;
        var loggers = new LoggerFactory([Logs]);
        var options = new LedgerOptions { QueueCapacity = capacity, BatchSize = batchSize, FlushIntervalMilliseconds = flushMs, SpillPath = spillPath ?? LedgerRecords.TempPath(".jsonl") };
        var tuning = new LedgerTuning
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            WriteTimeout = TimeSpan.FromMilliseconds(500),
            ShutdownFlushTimeout = shutdownFlush ?? TimeSpan.FromSeconds(2),
            OverflowBufferCapacity = 8,
        };
        Spill = new UsageSpillFile(options.SpillPath, Stats);
        Buffer = new UsageBuffer(options, tuning, Spill, Stats, TimeProvider.System, loggers.CreateLogger<UsageBuffer>());
        var evaluator = new BudgetAlertEvaluator(store, Alerts, () => new BudgetPolicyOptions(), TimeProvider.System, loggers.CreateLogger<BudgetAlertEvaluator>());
        Writer = new UsageWriter(Buffer, store, evaluator, Stats, options, tuning, TimeProvider.System, loggers.CreateLogger<UsageWriter>());
    }

    public IUsageStore Store { get; }

    /// <summary>Warnings and errors the ledger logged (shown by failing assertions that print them).</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    public LedgerStats Stats { get; } = new();

    public UsageSpillFile Spill { get; }

    public UsageBuffer Buffer { get; }

    public UsageWriter Writer { get; }

    public RecordingAlerts Alerts { get; } = new();

    public async Task<LedgerRig> StartAsync()
    {
        await Writer.StartAsync(CancellationToken.None);
        return this;
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await Writer.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Writer.Dispose();
    }
}

internal sealed class RecordingAlerts : IAlertPublisher
{
    private readonly List<BudgetAlert> alerts = [];

    public IReadOnlyList<BudgetAlert> All
    {
        get
        {
            lock (alerts)
            {
                return [.. alerts];
            }
        }
    }

    public void Publish(BudgetAlert alert)
    {
        lock (alerts)
        {
            alerts.Add(alert);
        }
    }
}
