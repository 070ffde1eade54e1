using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Alerts;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Alerts;

/// <summary>A clock whose timers fire at once and remember what they were asked to wait, so backoff is asserted, not slept.</summary>
internal sealed class InstantTimers : TimeProvider
{
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Waits.Enqueue(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new Fired();
    }

    private sealed class Fired : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

internal sealed class PlainClients : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(10) };
}

internal static class AlertTestKit
{
    public static readonly BudgetAlert Alert = new(
        "team:research",
        "2025-06",
        new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero),
        0.8m,
        80.125m,
        100m,
        new DateTimeOffset(2025, 6, 17, 9, 30, 0, TimeSpan.Zero));

    public static BudgetAlert AlertAt(decimal threshold) => Alert with { Threshold = threshold };

    /// <summary>Backoff of 1 s doubling, jitter fixed at 0.5 (so each wait is 75 % of the exponential step).</summary>
    public static WebhookRetryPolicy Policy(int attempts = 5) =>
        new(attempts, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5), () => 0.5);

    public static WebhookSender Sender(TimeProvider time, RecordingLoggerProvider logs, int attempts = 5) =>
        new(new PlainClients(), time, Policy(attempts), new LoggerFactory([logs]).CreateLogger<WebhookSender>());
}
