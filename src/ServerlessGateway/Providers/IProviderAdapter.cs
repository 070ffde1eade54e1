using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Providers;

/// <summary>
/// Sends one request to one deployment of a provider type. Returns either a response ready to be
/// written to the caller (nothing has been sent to the caller yet) or a classified failure, so the
/// pipeline can move to the next deployment.
/// </summary>
public interface IProviderAdapter
{
    /// <summary>The <see cref="ProviderTypes"/> value this adapter serves.</summary>
    string ProviderType { get; }

    Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this adapter serves a caller of <paramref name="api"/> natively: it sends the caller's own
    /// request (<see cref="ChatRequest.Original"/>) rather than its OpenAI translation, and answers in that API.
    /// </summary>
    bool SpeaksNatively(CallerApi api) => false;
}

public sealed class UpstreamCall(ParsedRequest request, Deployment deployment, string requestId, TimeSpan streamKeepAlive)
{
    public TimeSpan StreamKeepAlive { get; } = streamKeepAlive;

    public ParsedRequest Request { get; } = request;

    public Deployment Deployment { get; } = deployment;

    public string RequestId { get; } = requestId;

    public bool IsStreaming => Request is ChatRequest { Stream: true };

    /// <summary>A fault to inject into this attempt instead of (or into) the real call; null for a normal call.</summary>
    public FaultPlan? Fault { get; init; }
}

/// <summary>A response to relay, or a failure with what to do about it.</summary>
public readonly struct UpstreamResult
{
    private UpstreamResult(UpstreamResponse? response, UpstreamFailure? failure)
    {
        Response = response;
        Failure = failure;
    }

    public UpstreamResponse? Response { get; }

    public UpstreamFailure? Failure { get; }

    public static implicit operator UpstreamResult(UpstreamResponse response) => new(response, null);

    public static implicit operator UpstreamResult(UpstreamFailure failure) => new(null, failure);
}
