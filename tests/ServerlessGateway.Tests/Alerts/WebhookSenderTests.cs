using System.Text.Json;
using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Alerts;

public sealed class WebhookSenderTests
{
    [Fact]
    public async Task Retries_a_500_with_backoff_and_a_429_after_its_Retry_After_then_delivers_once()
    {
        var calls = 0;
        await using var webhook = await FakeUpstream.StartAsync(context => Interlocked.Increment(ref calls) switch
        {
            1 => Respond.Json(context, 500, """{"error":"boom"}"""),
            2 => Respond.Json(context, 429, "{}", ("Retry-After", "7")),
            _ => Respond.Json(context, 200, "{}"),
        });
        var time = new InstantTimers();
        var logs = new RecordingLoggerProvider();

        var delivered = await AlertTestKit.Sender(time, logs).SendAsync(new WebhookOptions { Url = webhook.BaseUrl + "/hook", Format = "json" }, AlertTestKit.Alert, CancellationToken.None);

        Assert.True(delivered);
        Assert.Equal(3, webhook.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(750), TimeSpan.FromSeconds(7)], time.Waits.ToArray());
        Assert.All(webhook.Requests, r => Assert.Equal(webhook.Requests.First().Body, r.Body)); // the same alert each time
        Assert.Equal(2, logs.Entries.Count(e => e.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Backoff_doubles_and_gives_up_after_the_last_attempt_with_an_error()
    {
        await using var webhook = await FakeUpstream.StartAsync(context => Respond.Json(context, 503, "{}"));
        var time = new InstantTimers();
        var logs = new RecordingLoggerProvider();

        var delivered = await AlertTestKit.Sender(time, logs, attempts: 4).SendAsync(new WebhookOptions { Url = webhook.BaseUrl, Format = "slack" }, AlertTestKit.Alert, CancellationToken.None);

        Assert.False(delivered);
        Assert.Equal(4, webhook.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(3000)], time.Waits.ToArray());
        Assert.Contains(logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains("gave up after 4 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refusal_that_retrying_cannot_fix_is_not_retried()
    {
        await using var webhook = await FakeUpstream.StartAsync(context => Respond.Json(context, 404, "{}"));
        var logs = new RecordingLoggerProvider();

        var delivered = await AlertTestKit.Sender(new InstantTimers(), logs).SendAsync(new WebhookOptions { Url = webhook.BaseUrl + "/secret-path", Format = "teams" }, AlertTestKit.Alert, CancellationToken.None);

        Assert.False(delivered);
        Assert.Single(webhook.Requests);
        var entry = Assert.Single(logs.Entries);
        Assert.Contains("HTTP 404", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-path", entry, StringComparison.Ordinal); // webhook paths are secrets
    }

    [Fact]
    public async Task An_unreachable_webhook_is_retried_as_a_network_error()
    {
        var webhook = await FakeUpstream.StartAsync();
        var url = webhook.BaseUrl;
        await webhook.DisposeAsync(); // nothing listens there any more
        var time = new InstantTimers();

        var delivered = await AlertTestKit.Sender(time, new RecordingLoggerProvider(), attempts: 3).SendAsync(new WebhookOptions { Url = url, Format = "json" }, AlertTestKit.Alert, CancellationToken.None);

        Assert.False(delivered);
        Assert.Equal(2, time.Waits.Count);
    }

    [Fact]
    public void Retry_After_as_a_date_is_honoured_and_capped()
    {
        var policy = AlertTestKit.Policy();
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayAfter(1, new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30)), now));
        Assert.Equal(TimeSpan.FromMinutes(5), policy.DelayAfter(1, new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(2)), now));
        Assert.Equal(TimeSpan.FromSeconds(60), new WebhookRetryPolicy(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5), () => 1.0).DelayAfter(9, null, now));
    }

    [Fact]
    public async Task Posts_json_content()
    {
        await using var webhook = await FakeUpstream.StartAsync(context => Respond.Json(context, 204, ""));

        Assert.True(await AlertTestKit.Sender(new InstantTimers(), new RecordingLoggerProvider()).SendAsync(new WebhookOptions { Url = webhook.BaseUrl, Format = "json" }, AlertTestKit.Alert, CancellationToken.None));

        var request = Assert.Single(webhook.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("budget_alert", JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetString());
    }
}
