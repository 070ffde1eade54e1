using ServerlessGateway.Accounting.Ledger;

namespace ServerlessGateway.Tests.Accounting.Ledger;

public enum StoreFault
{
    /// <summary>Throws before writing anything.</summary>
    Fail,

    /// <summary>Writes (commits) and then throws, as a crash before the acknowledgement would look.</summary>
    CommitThenFail,

    /// <summary>Never answers and ignores cancellation: only the writer's time-out gets it unstuck.</summary>
    Hang,

    /// <summary>Answers correctly after a while.</summary>
    Slow,
}

/// <summary>Wraps a real store and injects the next queued fault into batch writes; blocks every write while <see cref="Block"/> is set.</summary>
internal sealed class FaultyUsageStore(IUsageStore inner) : IUsageStore
{
    private readonly Queue<StoreFault> faults = new();
    private TaskCompletionSource gate = CompletedGate();

    public int Calls { get; private set; }

    public void Inject(params StoreFault[] next)
    {
        lock (faults)
        {
            foreach (var fault in next)
            {
                faults.Enqueue(fault);
            }
        }
    }

    public void Block() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Unblock() => gate.TrySetResult();

    public async Task<IReadOnlyList<BudgetSpend>> WriteBatchAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        await gate.Task.WaitAsync(cancellationToken);
        StoreFault? fault;
        lock (faults)
        {
            Calls++;
            fault = faults.TryDequeue(out var f) ? f : null;
        }

        switch (fault)
        {
            case StoreFault.Fail:
                throw new IOException("injected: store unavailable");
            case StoreFault.CommitThenFail:
                await inner.WriteBatchAsync(records, CancellationToken.None);
                throw new IOException("injected: crashed after commit");
            case StoreFault.Hang:
                await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
                break;
            case StoreFault.Slow:
                await Task.Delay(150, CancellationToken.None);
                break;
        }

        return await inner.WriteBatchAsync(records, cancellationToken);
    }

    public Task<bool> TryMarkAlertAsync(string alertId, DateTimeOffset at, CancellationToken cancellationToken) => inner.TryMarkAlertAsync(alertId, at, cancellationToken);

    public Task<decimal> GetSpendAsync(string scope, string windowId, CancellationToken cancellationToken) => inner.GetSpendAsync(scope, windowId, cancellationToken);

    public Task<IReadOnlyList<UsageRecord>> GetRequestAsync(string requestId, CancellationToken cancellationToken) => inner.GetRequestAsync(requestId, cancellationToken);

    public Task<UsagePage> QueryAsync(UsageQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    private static TaskCompletionSource CompletedGate()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
