using ServerlessGateway.Configuration;
using ServerlessGateway.Providers.Faults;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>How one stream is relayed: whose it is, its time limits, keep-alives, and an injected cut.</summary>
/// <param name="DeploymentName">Named in the error a broken stream ends with.</param>
/// <param name="Timeouts">The idle limit between events, and the total, which the relay enforces once the stream is committed.</param>
/// <param name="KeepAlive">Silence after which the caller gets a keep-alive.</param>
/// <param name="Time">The clock.</param>
public sealed record SseStreamRelayOptions(string DeploymentName, DeploymentTimeouts Timeouts, TimeSpan KeepAlive, TimeProvider Time)
{
    /// <summary>When the call started (a <see cref="TimeProvider.GetTimestamp"/> value): the total time-out counts from here.</summary>
    public required long Started { get; init; }

    /// <summary>The attempt's injected fault; only a Cut concerns the relay.</summary>
    public FaultPlan? Fault { get; init; }

    /// <summary>Upstream events relayed before an injected cut; -1 without one.</summary>
    public int CutAfterEvents => InjectedFaults.CutAfterEvents(Fault);

    /// <summary>The timestamp past which the call has used up its total time-out.</summary>
    public long Deadline => Started + (long)(Timeouts.Total.TotalSeconds * Time.TimestampFrequency);
}
