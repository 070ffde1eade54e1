using ServerlessGateway.Routing.Health;

namespace ServerlessGateway.Routing;

/// <summary>
/// Requests waiting because every candidate was busy, cooling down or open. When any deployment finishes a call, the
/// longest-waiting interactive request is woken first, a batch one only when no interactive one waits; a waiter also
/// wakes when the earliest cool-down or open breaker is due, and gives up at its bound.
/// </summary>
public sealed class CapacityWaiters
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource> interactive = new();
    private readonly LinkedList<TaskCompletionSource> batch = new();
    private readonly TimeProvider time;
    private int waiting;

    public CapacityWaiters(DeploymentHealthRegistry health, TimeProvider time)
    {
        this.time = time;
        health.Released += WakeOne;
    }

    /// <summary>
    /// Waits until capacity may have freed up, <paramref name="ready"/> passes, or <paramref name="bound"/> ends.
    /// False when the queue is full or the bound ran out with nothing freed (the caller then fails).
    /// </summary>
    public async ValueTask<bool> WaitAsync(bool isBatch, TimeSpan bound, DateTimeOffset? ready, int maxWaiters, CancellationToken cancellationToken)
    {
        var wait = ready is { } due ? TimeSpan.FromTicks(Math.Clamp((due - time.GetUtcNow()).Ticks, 0, bound.Ticks)) : bound;
        if (wait <= TimeSpan.Zero && ready is null)
        {
            return false;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        lock (gate)
        {
            if (waiting >= maxWaiters)
            {
                return false;
            }

            node = (isBatch ? batch : interactive).AddLast(waiter);
            waiting++;
        }

        try
        {
            using var timer = new CancellationTokenSource(wait, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            await waiter.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: worth another look only if something was due to become ready by then.
            return ready is not null && wait < bound;
        }
        finally
        {
            lock (gate)
            {
                if (node.List is { } list)
                {
                    list.Remove(node);
                    waiting--;
                }
            }
        }
    }

    private void WakeOne()
    {
        if (Volatile.Read(ref waiting) == 0)
        {
            return;
        }

        TaskCompletionSource? next = null;
        lock (gate)
        {
            var list = interactive.Count > 0 ? interactive : batch;
            if (list.First is { } first)
            {
                list.RemoveFirst();
                waiting--;
                next = first.Value;
            }
        }

        next?.TrySetResult();
    }
}
