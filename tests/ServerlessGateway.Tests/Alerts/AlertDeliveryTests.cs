using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Alerts;

public sealed class AlertDeliveryTests
{
    [Fact]
    public async Task Each_format_is_delivered_exactly_once_through_failures_and_a_repeated_publish()
    {
        // Every webhook path fails with 500, then 429, then accepts.
        var calls = new ConcurrentDictionary<string, int>();
        await using var receiver = await FakeUpstream.StartAsync(context => calls.AddOrUpdate(context.Request.Path, 1, (_, n) => n + 1) switch
        {
            1 => Respond.Json(context, 500, "{}"),
            2 => Respond.Json(context, 429, "{}", ("Retry-After", "1")),
            _ => Respond.Json(context, 200, "{}"),
        });
        WebhookOptions[] webhooks =
        [
            new() { Url = receiver.BaseUrl + "/json", Format = "json" },
            new() { Url = receiver.BaseUrl + "/slack", Format = "slack" },
            new() { Url = receiver.BaseUrl + "/teams", Format = "teams" },
        ];
        var logs = new RecordingLoggerProvider();
        var time = new InstantTimers();
        var publisher = new WebhookAlertPublisher(new LoggerFactory([logs]).CreateLogger("alerts"), time, capacity: 16);
        using var service = new WebhookDeliveryService(publisher, AlertTestKit.Sender(time, logs), () => webhooks, new LoggerFactory([logs]).CreateLogger("delivery"));

        await service.StartAsync(CancellationToken.None);
        publisher.Publish(AlertTestKit.Alert);
        publisher.Publish(AlertTestKit.Alert); // the same crossing again: not queued twice
        await WaitUntil(() => receiver.Requests.Count >= 9);
        publisher.Publish(AlertTestKit.Alert); // and not after delivery either
        publisher.Publish(AlertTestKit.AlertAt(0.95m)); // a new threshold is a new alert
        await WaitUntil(() => receiver.Requests.Count >= 12);
        await service.StopAsync(CancellationToken.None);

        var requests = receiver.Requests.ToList();
        Assert.Equal(12, requests.Count);
        Assert.Equal(4, requests.Count(r => r.PathAndQuery == "/json"));
        Assert.Equal(4, requests.Count(r => r.PathAndQuery == "/slack"));
        Assert.Equal(4, requests.Count(r => r.PathAndQuery == "/teams"));
        var thresholds = requests.Where(r => r.PathAndQuery == "/json").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("threshold").GetDecimal()).ToList();
        Assert.Equal([0.8m, 0.8m, 0.8m, 0.95m], thresholds);
        Assert.Contains("\"text\":", requests.First(r => r.PathAndQuery == "/slack").Body, StringComparison.Ordinal);
        Assert.Contains("application/vnd.microsoft.card.adaptive", requests.First(r => r.PathAndQuery == "/teams").Body, StringComparison.Ordinal);
        Assert.Equal(0, publisher.Overflowed);
    }

    [Fact]
    public void A_full_queue_counts_and_logs_every_overflowed_alert_without_blocking()
    {
        var logs = new RecordingLoggerProvider();
        var publisher = new WebhookAlertPublisher(new LoggerFactory([logs]).CreateLogger("alerts"), TimeProvider.System, capacity: 2);

        foreach (var threshold in new[] { 0.5m, 0.8m, 0.9m, 0.95m, 1.0m })
        {
            publisher.Publish(AlertTestKit.AlertAt(threshold)); // nothing reads the queue
        }

        publisher.Publish(AlertTestKit.AlertAt(0.5m)); // already queued: neither queued again nor counted

        Assert.Equal(3, publisher.Overflowed);
        Assert.Equal(3, logs.Entries.Count(e => e.Contains("alert queue is full", StringComparison.Ordinal)));
        Assert.Equal(2, publisher.Reader.Count);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
