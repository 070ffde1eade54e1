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
}
