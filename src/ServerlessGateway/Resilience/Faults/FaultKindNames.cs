namespace ServerlessGateway.Resilience.Faults;

/// <summary>How a <see cref="FaultKind"/> is written in configuration and in the x-gateway-fault header.</summary>
public static class FaultKindNames
{
    public const string Status = "status";
    public const string Delay = "delay";
    public const string Cut = "cut";

    public static readonly IReadOnlyList<string> All = [Status, Delay, Cut];

    public static FaultKind? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        Status => FaultKind.Status,
        Delay => FaultKind.Delay,
        Cut => FaultKind.Cut,
        _ => null,
    };
}
