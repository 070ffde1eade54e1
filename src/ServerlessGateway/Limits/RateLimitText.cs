using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Limits;

/// <summary>OpenAI's wording and formats for rate-limit refusals and reset times.</summary>
public static class RateLimitText
{
    public const string Code = "rate_limit_exceeded";

    /// <summary>A duration as OpenAI writes resets: "20ms", "1s", "17.5s", "6m0s", "1h2m3s".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (long)Math.Ceiling(span.TotalMilliseconds))}ms");
        }

        var seconds = (span.Ticks % TimeSpan.TicksPerMinute / (double)TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        var hours = (long)span.TotalHours;
        return hours > 0 ? string.Create(CultureInfo.InvariantCulture, $"{hours}h{span.Minutes}m{seconds}")
            : span.Minutes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{seconds}")
            : seconds;
    }

    /// <summary>Whole seconds for Retry-After: rounded up, at least 1.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);

    public static GatewayError Exceeded(RateCheck check, long used, TimeSpan retryIn)
    {
        var what = check.Kind switch
        {
            RateKind.Requests => "requests per min (RPM)",
            RateKind.Tokens => "tokens per min (TPM)",
            _ => "parallel requests",
        };
        var usedWord = check.Kind == RateKind.Parallel ? "In flight" : "Used";
        return new GatewayError(
            StatusCodes.Status429TooManyRequests,
            string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {Who(check)} on {what}: Limit {check.Limit}, {usedWord} {Math.Min(used, check.Limit)}, Requested {check.Amount}. Please try again in {Duration(retryIn)}."),
            Type(check.Kind),
            Code)
        {
            RetryAfterSeconds = RetryAfterSeconds(retryIn),
        };
    }

    /// <summary>A request whose estimate alone is above a TPM limit can never pass; no Retry-After, since waiting will not help.</summary>
    public static GatewayError TooLarge(RateCheck check) => new(
        StatusCodes.Status429TooManyRequests,
        string.Create(CultureInfo.InvariantCulture, $"Request too large for {Who(check)} on tokens per min (TPM): Limit {check.Limit}, Requested {check.Amount}. The input or output tokens must be reduced in order to run successfully (lower max_tokens or shorten the prompt)."),
        Type(check.Kind),
        Code);


    /// <summary>The error type of a refusal on a token limit (OpenAI's).</summary>
    public const string TokensType = "tokens";

    private static string Type(RateKind kind) => kind switch
    {
        RateKind.Requests => "requests",
        RateKind.Tokens => TokensType,
        _ => "parallel_requests",
    };

    private static string Who(RateCheck check) =>
        $"{check.Scope.LevelName} '{check.Scope.Id}'" + (check.Model is null ? "" : $" for model '{check.Model}'");
}
