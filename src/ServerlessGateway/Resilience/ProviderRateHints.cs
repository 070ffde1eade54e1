namespace ServerlessGateway.Resilience;

/// <summary>
/// What an upstream said about its own rate limits in one answer, success or error: OpenAI's and Azure's
/// x-ratelimit-*, Anthropic's anthropic-ratelimit-* (input and output tokens too), Retry-After and
/// retry-after-ms, and Gemini's RetryInfo. Routing weighs a deployment's headroom and cool-down with it. A
/// field is null when the upstream did not say, or said something unreadable. Resets are delays from when the
/// answer was read, not clock times. An answer that says nothing has no hints at all (null), not an empty set.
/// </summary>
public sealed record ProviderRateHints
{
    public long? RequestsLimit { get; init; }

    public long? RequestsRemaining { get; init; }

    /// <summary>Until the request allowance is full again.</summary>
    public TimeSpan? RequestsReset { get; init; }

    public long? TokensLimit { get; init; }

    public long? TokensRemaining { get; init; }

    public TimeSpan? TokensReset { get; init; }

    /// <summary>Anthropic's separate input-token limit.</summary>
    public long? InputTokensLimit { get; init; }

    public long? InputTokensRemaining { get; init; }

    public TimeSpan? InputTokensReset { get; init; }

    /// <summary>Anthropic's separate output-token limit.</summary>
    public long? OutputTokensLimit { get; init; }

    public long? OutputTokensRemaining { get; init; }

    public TimeSpan? OutputTokensReset { get; init; }

    /// <summary>How long the upstream asked callers to wait before trying it again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary><see cref="RetryAfter"/> in whole seconds, rounded up: what a Retry-After header can say.</summary>
    public int? RetryAfterSeconds => RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null;

    /// <summary><paramref name="hints"/> (or none) with <see cref="RetryAfter"/> set, e.g. from an error body that said more than the headers.</summary>
    public static ProviderRateHints WithRetryAfter(ProviderRateHints? hints, TimeSpan retryAfter) =>
        hints is null ? new ProviderRateHints { RetryAfter = retryAfter } : hints with { RetryAfter = retryAfter };
}
