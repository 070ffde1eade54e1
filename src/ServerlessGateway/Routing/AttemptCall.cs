using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Routing;

/// <summary>The state one request carries across its attempts: counters, the trace, and the failure to report.</summary>
public sealed class AttemptCall(ParsedRequest request, GovernedRequest governed, GatewaySnapshot snapshot, string requestId, RouteTrace trace, FaultRequest? fault)
{
    /// <summary>An admin's x-gateway-fault header, if sent: faults to inject into this request's attempts.</summary>
    public FaultRequest? Fault { get; } = fault;

    public ParsedRequest Request { get; } = request;

    public GovernedRequest Governed { get; } = governed;

    public GatewaySnapshot Snapshot { get; } = snapshot;

    public string RequestId { get; } = requestId;

    public RouteTrace Trace { get; } = trace;

    /// <summary>The candidate being tried now.</summary>
    public RouteCandidate Candidate { get; set; } = null!;

    /// <summary>Whether a transient failure may be retried on <see cref="Candidate"/> (no other candidate is left).</summary>
    public bool MayRetry { get; set; }

    public RetryOptions Retry { get; set; } = null!;

    public int Attempts { get; private set; }

    public long UpstreamTicks { get; set; }

    /// <summary>Time from the serving attempt's start to its answer (headers and body, or a stream's first event).</summary>
    public TimeSpan FirstByte { get; set; }

    /// <summary>
    /// The failure the caller is told about if nothing answers: the latest real one. A refusal to even send
    /// (an untranslatable request) does not hide an earlier real failure, which says more.
    /// </summary>
    public UpstreamFailure? Failure { get; private set; }

    public int NextAttempt() => ++Attempts;

    public void Record(UpstreamFailure failure) =>
        Failure = failure.NotSent && failure.Action == FailureAction.TryNextDeployment && Failure is not null ? Failure : failure;
}
