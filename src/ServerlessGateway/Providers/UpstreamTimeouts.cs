using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers;

/// <summary>
/// The failures and in-band errors of a deployment's time limits, one per limit: each names the deployment
/// and the limit that was hit, and carries its own reason for the decision trace.
/// </summary>
public static class UpstreamTimeouts
{
    public const string Code = "upstream_timeout";

    public static UpstreamFailure Connect(string deployment, TimeSpan limit) =>
        Failure($"The upstream deployment '{deployment}' did not accept a connection within {Seconds(limit)} s (connect time-out).", FailureReasons.ConnectTimeout);

    public static UpstreamFailure FirstToken(string deployment, TimeSpan limit) =>
        Failure($"The upstream deployment '{deployment}' did not start its answer within {Seconds(limit)} s (first-token time-out).", FailureReasons.FirstTokenTimeout);

    public static UpstreamFailure Total(string deployment, TimeSpan limit) =>
        Failure($"The upstream deployment '{deployment}' did not respond within {Seconds(limit)} s (total time-out).", FailureReasons.Timeout);

    /// <summary>Before the answer started, whichever limit applied then: the first token's own, or the total.</summary>
    public static UpstreamFailure BeforeAnswer(string deployment, Configuration.DeploymentTimeouts timeouts) =>
        timeouts.LimitsFirstToken ? FirstToken(deployment, timeouts.FirstToken) : Total(deployment, timeouts.Total);

    /// <summary>What a started stream's in-band error says when the upstream went silent (after "The upstream deployment 'x' ").</summary>
    public static string IdleCut(TimeSpan limit) => $"sent nothing for {Seconds(limit)} s (idle time-out)";

    /// <summary>What a started stream's in-band error says when the call ran out of time.</summary>
    public static string TotalCut(TimeSpan limit) => $"did not finish its answer within {Seconds(limit)} s (total time-out)";

    private static UpstreamFailure Failure(string message, string reason) =>
        new(new GatewayError(StatusCodes.Status504GatewayTimeout, message, GatewayError.ServerErrorType, Code), FailureClassifier.ForTimeout(), reason);

    private static string Seconds(TimeSpan limit) => limit.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
