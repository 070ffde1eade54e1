using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Probes;

/// <summary>What the health probe job does under one configuration: its timing and the deployments it calls, each once.</summary>
public sealed class ProbePlan
{
    /// <summary>Nothing to probe (a snapshot built without probe settings).</summary>
    public static ProbePlan None { get; } = new() { Enabled = false, Interval = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(10), MaxConcurrency = 1, Targets = [] };

    /// <summary>Whether timers run the job (the admin route runs it regardless).</summary>
    public required bool Enabled { get; init; }

    public required TimeSpan Interval { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required int MaxConcurrency { get; init; }

    /// <summary>The deployments with probing on, each once (by name), in the order of their models, then of the deployments in each.</summary>
    public required IReadOnlyList<ProbeTarget> Targets { get; init; }
}

/// <summary>The request a probe sends.</summary>
public enum ProbeKind
{
    /// <summary>A one-token chat completion.</summary>
    Chat,

    /// <summary>An embedding of one short word (embedding models do not chat).</summary>
    Embeddings,
}

/// <summary>A deployment to probe, the request kind, and the logical model it is probed as (the first one that lists it).</summary>
public sealed record ProbeTarget(Deployment Deployment, ProbeKind Kind, string Model)
{
    /// <summary>Its probes may cost money (a paid or unpriced deployment): each one is recorded in the usage ledger.</summary>
    public bool IsPaid => Deployment.Price is not { IsFree: true };
}
