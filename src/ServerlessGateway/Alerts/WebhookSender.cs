using System.Net.Http.Headers;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Alerts;

/// <summary>Posts one alert to one webhook, retrying transient failures; never throws (a webhook is not the caller's problem).</summary>
public sealed partial class WebhookSender(IHttpClientFactory clients, TimeProvider time, WebhookRetryPolicy policy, ILogger<WebhookSender> logger)
{
    public const string ClientName = "gateway-alert-webhooks";

    /// <summary>True when the webhook accepted the alert (a 2xx answer).</summary>
    public async Task<bool> SendAsync(WebhookOptions webhook, BudgetAlert alert, CancellationToken cancellationToken)
    {
        var body = AlertBodies.For(webhook.Format, alert);
        var url = new Uri(webhook.Url!, UriKind.Absolute);
        var client = clients.CreateClient(ClientName);
        for (var attempt = 1; ; attempt++)
        {
            RetryConditionHeaderValue? retryAfter = null;
            string failure;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(url, content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode}";
                if (!WebhookRetryPolicy.IsTransient(response.StatusCode))
                {
                    LogRefused(logger, alert.Id, Redact(url), failure);
                    return false;
                }

                retryAfter = response.Headers.RetryAfter;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = ex.Message; // unreachable, reset or timed out: worth another try
            }

            if (attempt >= policy.MaxAttempts)
            {
                LogGaveUp(logger, alert.Id, Redact(url), attempt, failure);
                return false;
            }

            var delay = policy.DelayAfter(attempt, retryAfter, time.GetUtcNow());
            LogRetrying(logger, alert.Id, Redact(url), attempt, failure, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>Webhook URLs carry their secret in the path (Slack, Teams): logs show only the host.</summary>
    private static string Redact(Uri url) => $"{url.Scheme}://{url.Authority}/…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert {AlertId} to {Webhook}: attempt {Attempt} failed ({Failure}); retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string alertId, string webhook, int attempt, string failure, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Budget alert {AlertId} to {Webhook} not delivered: gave up after {Attempts} attempts ({Failure})")]
    private static partial void LogGaveUp(ILogger logger, string alertId, string webhook, int attempts, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Budget alert {AlertId} to {Webhook} refused with {Failure}; not retried (check the webhook's URL and format)")]
    private static partial void LogRefused(ILogger logger, string alertId, string webhook, string failure);
}
