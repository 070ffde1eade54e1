using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Routing;

/// <summary>The state one request carries across its attempts: counters, the trace, and the failure to report.</summary>
public sealed class AttemptCall(ParsedRequest request, GovernedRequest governed, GatewaySnapshot snapshot, string requestId, RouteTrace trace, FaultRequest? fault)
{
    /// <summary>An admin's x-gateway-fault header, if sent: faults to inject into this request's attempts.</summary>
    public FaultRequest? Fault { get; } = fault;

    /// <summary>The caller's own routing for this request (x-gateway-routing), if its key may send one.</summary>
    public RoutingOverride? Override { get; init; }

    public ParsedRequest Request { get; } = request;

    public GovernedRequest Governed { get; } = governed;

    public GatewaySnapshot Snapshot { get; } = snapshot;

    public string RequestId { get; } = requestId;

    public RouteTrace Trace { get; } = trace;

    private readonly Lock gate = new();
    private int attempts;
    private long upstreamTicks;

    public int Attempts => Volatile.Read(ref attempts);

    /// <summary>Time spent waiting for upstreams (two hedged attempts overlapping count twice).</summary>
    public long UpstreamTicks => Interlocked.Read(ref upstreamTicks);

    /// <summary>The deployment the caller was last told about (the one that served, or the last one tried).</summary>
    public Deployment? Deployment { get; set; }

    /// <summary>
    /// The failure the caller is told about if nothing answers: the latest real one. A refusal to even send
    /// (an untranslatable request) does not hide an earlier real failure, which says more.
    /// </summary>
    public UpstreamFailure? Failure { get; private set; }

    public int NextAttempt() => Interlocked.Increment(ref attempts);

    public void AddUpstreamTime(long ticks) => Interlocked.Add(ref upstreamTicks, ticks);

    public void Record(UpstreamFailure failure)
    {
        lock (gate)
        {
            Failure = failure.NotSent && failure.Action == FailureAction.TryNextDeployment && Failure is not null ? Failure : failure;
        }
    }
}

/// <summary>One candidate's try (with its retries): where it went, its number in the request, and how it ended.</summary>
public sealed class Attempt(AttemptCall call, RouteCandidate candidate)
{
    public AttemptCall Call { get; } = call;

    public RouteCandidate Candidate { get; } = candidate;

    /// <summary>The number of its latest try (retries take new numbers).</summary>
    public int Number { get; set; }

    /// <summary>Time from its start to the answer (headers and body, or a stream's first event).</summary>
    public TimeSpan FirstByte { get; set; }

    public UpstreamResult Result { get; set; }

    /// <summary>Set while the retry pipeline's first execution should return <see cref="Result"/> instead of sending.</summary>
    internal bool Replay { get; set; }

    /// <summary>Set when a retry found the deployment unable to take it: the retries end there.</summary>
    internal bool RetryBlocked { get; set; }
}
