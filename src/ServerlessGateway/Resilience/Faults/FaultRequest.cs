using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Resilience.Faults;

/// <summary>
/// An admin's x-gateway-fault header, read once per request: the fault to inject, the share of attempts that get it,
/// and optionally the one deployment ("provider/model") it is meant for. While it applies to a deployment it takes
/// the place of that deployment's configured faults.
/// </summary>
public sealed record FaultRequest(FaultPlan Plan, double Rate, string? Deployment)
{
    public const string Header = "x-gateway-fault";

    /// <summary>Whether the header is meant for <paramref name="deployment"/>: every candidate, unless it names one.</summary>
    public bool Targets(Deployment deployment) => Deployment is null || string.Equals(Deployment, deployment.Name, StringComparison.Ordinal);

    /// <summary>
    /// The request's fault header, or null when it sends none or when <paramref name="error"/> is set: 403 for a key that
    /// is not an admin key (faults are an operator's tool, and a caller must not be able to fail its own requests
    /// on purpose), 400 naming the problem for a malformed header.
    /// </summary>
    public static FaultRequest? Read(HttpRequest request, CallerIdentity caller, out GatewayError? error)
    {
        error = null;
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        if (!caller.IsAdmin)
        {
            error = Forbidden();
            return null;
        }

        if (values.Count > 1)
        {
            error = Invalid($"send one {Header} header; this request has {values.Count}.");
            return null;
        }

        var parsed = FaultHeaderParser.Parse(values[0] ?? "", out var problem);
        if (problem is not null)
        {
            error = Invalid(problem);
        }

        return parsed;
    }

    public static GatewayError Forbidden() => new(
        StatusCodes.Status403Forbidden,
        $"The {Header} header is for admin keys only; this API key may not inject faults.",
        "permission_error",
        "fault_injection_forbidden");

    private static GatewayError Invalid(string problem) =>
        GatewayError.InvalidRequest($"The {Header} header is malformed: {problem}", Header, "invalid_fault_header");
}
