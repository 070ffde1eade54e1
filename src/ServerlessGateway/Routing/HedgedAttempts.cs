using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing;

/// <summary>
/// Hedged requests (opt-in per model): when the first candidate has not answered after a delay — fixed, or that
/// deployment's recent first-token percentile — the same request starts on the next available candidate, the first
/// answer is served and the other attempt is cancelled. Both are metered: a cancelled attempt keeps its worst case,
/// marked as an estimate, because the upstream may have billed it.
/// </summary>
public sealed class HedgedAttempts(AttemptRunner runner, TimeProvider time)
{
    public async ValueTask<Attempt> RunAsync(AttemptCall call, RouteCandidate first, Func<RouteCandidate?> next, HedgeOptions hedge, CancellationToken cancellationToken)
    {
        var primary = new Attempt(call, first);
        if (Delay(first, hedge) is not { } delay)
        {
            return await runner.RunAsync(primary, null, cancellationToken);
        }

        using var primaryCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var primaryTask = runner.RunAsync(primary, null, primaryCancel.Token).AsTask();
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var timer = Task.Delay(delay, time, wait.Token);
            if (await Task.WhenAny(primaryTask, timer) == primaryTask)
            {
                wait.Cancel(); // disarms the timer
                return await primaryTask;
            }
        }

        if (next() is not { } second)
        {
            return await primaryTask;
        }

        call.Trace.Waited("hedge " + second.Deployment.Name + " after", delay);
        var hedged = new Attempt(call, second);
        using var hedgedCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hedgedTask = runner.RunAsync(hedged, null, hedgedCancel.Token).AsTask();
        var racing = new List<(Task<Attempt> Task, Attempt Attempt, CancellationTokenSource Cancel)> { (primaryTask, primary, primaryCancel), (hedgedTask, hedged, hedgedCancel) };
        Attempt? lastFailed = null;
        while (racing.Count > 0)
        {
            var done = await Task.WhenAny(racing.Select(r => r.Task));
            var entry = racing.First(r => r.Task == done);
            racing.Remove(entry);
            var attempt = await done;
            if (attempt.Result.Response is not null)
            {
                foreach (var loser in racing)
                {
                    await CancelAsync(call, loser.Task, loser.Attempt, loser.Cancel);
                }

                return attempt;
            }

            lastFailed = attempt;
        }

        return lastFailed!;
    }

    private TimeSpan? Delay(RouteCandidate first, HedgeOptions hedge) =>
        hedge.AfterMs is { } ms ? TimeSpan.FromMilliseconds(ms)
        : hedge.AfterPercentile is { } percentile ? first.Health.Latency.FirstTokenPercentile(percentile, time.GetUtcNow())
        : null;

    /// <summary>Stops the losing attempt and meters it: an answer it already has is discarded, one in flight is cancelled.</summary>
    private static async Task CancelAsync(AttemptCall call, Task<Attempt> task, Attempt attempt, CancellationTokenSource cancel)
    {
        await cancel.CancelAsync();
        try
        {
            var finished = await task;
            if (finished.Result.Response is { } unused)
            {
                unused.Dispose();
                finished.Candidate.Health.End();
                call.Governed.Abandoned(finished.Number, "hedge lost");
            }
        }
        catch (OperationCanceledException)
        {
            call.Governed.Abandoned(attempt.Number, "hedge lost");
        }

        call.Trace.Note("cancelled " + attempt.Candidate.Deployment.Name);
    }
}
