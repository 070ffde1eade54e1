namespace ServerlessGateway.Routing;

/// <summary>
/// A request's overall deadline (Gateway:Resilience:RequestDeadlineSeconds) as a cancellation token made only when a
/// step could outlive it. Most requests are one attempt whose own total time limit ends well before the deadline: it
/// runs on the caller's token alone, and no timer is armed on the hot path.
/// </summary>
public sealed class RequestDeadline(TimeSpan limit, long started, TimeProvider time, CancellationToken aborted) : IDisposable
{
    private CancellationTokenSource? timer;
    private CancellationTokenSource? linked;

    public TimeSpan Limit => limit;

    /// <summary>Whether the deadline (not the caller) cancelled what was running.</summary>
    public bool Expired => timer?.IsCancellationRequested == true && !aborted.IsCancellationRequested;

    /// <summary>The token for a step that ends by itself within <paramref name="longest"/>: the caller's own when that is before the deadline.</summary>
    public CancellationToken For(TimeSpan longest) => time.GetElapsedTime(started) + longest <= limit ? aborted : Token;

    /// <summary>The caller's token, cancelled also when the deadline passes.</summary>
    public CancellationToken Token
    {
        get
        {
            if (linked is null)
            {
                var remaining = limit - time.GetElapsedTime(started);
                timer = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
                linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token);
            }

            return linked.Token;
        }
    }

    public void Dispose()
    {
        linked?.Dispose();
        timer?.Dispose();
    }
}
