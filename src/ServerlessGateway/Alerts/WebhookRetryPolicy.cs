using System.Net;
using System.Net.Http.Headers;

namespace ServerlessGateway.Alerts;

/// <summary>
/// How a webhook call is retried: exponential backoff with "equal jitter" (half fixed, half random, so
/// many instances retrying together spread out), the receiver's Retry-After honoured up to a cap.
/// </summary>
/// <param name="MaxAttempts">Tries in all, the first included.</param>
/// <param name="BaseDelay">The wait after the first failure; doubled after each further one.</param>
/// <param name="MaxDelay">Backoff never waits longer than this.</param>
/// <param name="MaxRetryAfter">A Retry-After longer than this is cut to it (an alert that waits an hour is stale).</param>
/// <param name="Jitter">A number in [0, 1) per wait (injected so tests are deterministic).</param>
public sealed record WebhookRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxRetryAfter, Func<double> Jitter)
{
    public static WebhookRetryPolicy Default { get; } =
        new(MaxAttempts: 5, BaseDelay: TimeSpan.FromSeconds(1), MaxDelay: TimeSpan.FromSeconds(60), MaxRetryAfter: TimeSpan.FromMinutes(5), Random.Shared.NextDouble);

    /// <summary>Worth another try: the receiver is overloaded, rate-limiting or failing for now.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>The wait before try number <paramref name="failedAttempt"/> + 1.</summary>
    public TimeSpan DelayAfter(int failedAttempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (RetryAfter(retryAfter, now) is { } asked)
        {
            return asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * Jitter())));
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
