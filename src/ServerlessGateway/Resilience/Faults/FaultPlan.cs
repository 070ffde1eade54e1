namespace ServerlessGateway.Resilience.Faults;

/// <summary>What an injected fault does to one attempt.</summary>
public enum FaultKind
{
    /// <summary>The attempt fails with <see cref="FaultPlan.Status"/> (and Retry-After), as if the upstream had said so; nothing is sent.</summary>
    Status,

    /// <summary>The request is held for <see cref="FaultPlan.Delay"/> before it is sent (the deployment's time-outs still apply).</summary>
    Delay,

    /// <summary>The upstream's answer breaks off after <see cref="FaultPlan.CutAfterChunks"/> stream events (or mid-body for a JSON answer).</summary>
    Cut,
}

/// <summary>
/// A fault chosen for one attempt — by a deployment's configured fault rate, or by an admin's
/// x-gateway-fault header — so operators can watch their fallbacks work before a real outage does it.
/// </summary>
public sealed record FaultPlan(FaultKind Kind)
{
    public int Status { get; init; } = 503;

    public int? RetryAfterSeconds { get; init; }

    public TimeSpan Delay { get; init; }

    public int CutAfterChunks { get; init; } = 1;

    /// <summary>Where it came from, for the decision trace: "config" or "header".</summary>
    public string Source { get; init; } = "config";
}
