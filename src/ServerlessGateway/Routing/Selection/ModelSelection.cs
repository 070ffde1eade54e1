namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// Which logical model serves a request, and why: the route that matched, the tier the auto model chose, the
/// canary variant. Decided once per request, before deployments are tried.
/// </summary>
public sealed record ModelSelection(string Model)
{
    public const string ControlVariant = "control";
    public const string CanaryVariant = "canary";

    /// <summary>The name of the route that matched, if one did.</summary>
    public string? Route { get; init; }

    /// <summary>The complexity tier the auto model chose, if the request went through it.</summary>
    public string? Tier { get; init; }

    /// <summary>"control" or "canary" when the served model has a canary, else null.</summary>
    public string? Variant { get; init; }

    /// <summary>
    /// Each step that applied, e.g. "route=eu-users; tier=complex (prompt 5,210 tokens >= 4,000); canary=gpt-4.1
    /// (sticky user, 10%)"; empty when the requested model is served as asked. Printable ASCII (a header value).
    /// </summary>
    public string Reason { get; init; } = "";
}
