using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Resilience;

/// <summary>A failed attempt, as a value: the error the caller would see and what to do next.</summary>
public sealed class UpstreamFailure(GatewayError error, FailureAction action, string reason)
{
    public GatewayError Error { get; } = error;

    public FailureAction Action { get; } = action;

    /// <summary>Short reason for the decision trace, e.g. "status 503" or "timeout".</summary>
    public string Reason { get; } = reason;

    /// <summary>The upstream's own error body, relayed unchanged when it is already OpenAI-shaped.</summary>
    public ReadOnlyMemory<byte> UpstreamBody { get; init; }

    /// <summary>
    /// The upstream's own error body in the caller's API, not OpenAI's (native pass-through of a
    /// <see cref="CallerApiRequest"/>): that API's caller format relays it unchanged, with its status.
    /// </summary>
    public ReadOnlyMemory<byte> CallerApiBody { get; init; }

    /// <summary>
    /// Nothing was sent: the deployment cannot take the request as it is (its provider cannot express
    /// it). When an earlier deployment really failed, the caller is told that failure instead, which
    /// says more (an overloaded deployment is worth retrying; this refusal is not).
    /// </summary>
    public bool NotSent { get; init; }

    /// <summary>The gateway refused the attempt before calling (budget, price): it says nothing about the deployment's health.</summary>
    public bool IsRefusal { get; init; }

    /// <summary>What the upstream said about its rate limits in the answer this failure came from; null when nothing (or no answer).</summary>
    public ProviderRateHints? RateHints { get; init; }

    /// <summary>
    /// This failure with the rate hints of the answer it came from, unless it already has its own; the
    /// error's Retry-After is taken from them when it has none, so the two never disagree.
    /// </summary>
    public UpstreamFailure WithRateHints(ProviderRateHints? hints)
    {
        if (hints is null || RateHints is not null)
        {
            return this;
        }

        var error = Error.RetryAfterSeconds is null && hints.RetryAfterSeconds is { } seconds ? Error with { RetryAfterSeconds = seconds } : Error;
        return new UpstreamFailure(error, Action, Reason)
        {
            UpstreamBody = UpstreamBody,
            CallerApiBody = CallerApiBody,
            NotSent = NotSent,
            IsRefusal = IsRefusal,
            RateHints = hints,
        };
    }
}
