using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Providers.Faults;

/// <summary>
/// How adapters carry out an injected <see cref="FaultPlan"/>, the same way for HTTP providers and the mock,
/// so that what follows (classification, failover, the caller's error) is exactly what the real fault would
/// cause. Where a fault strikes: a Status before anything is sent; a Delay before sending, under the
/// first-token and total time-outs; a Cut in the stream relay (after so many upstream events) or on a JSON
/// answer's body.
/// </summary>
public static class InjectedFaults
{
    public const string Code = "injected_fault";

    /// <summary>
    /// A Status fault: the failure an upstream causes by answering that status with an OpenAI-shaped error
    /// (and Retry-After, when the plan sets one), read and classified like a real answer. Nothing is sent.
    /// </summary>
    public static UpstreamFailure Status(FaultPlan plan, string deployment)
    {
        var message = $"Injected fault ({plan.Source}): status {plan.Status} for deployment '{deployment}'.";
        var type = plan.Status >= 500 ? GatewayError.ServerErrorType : GatewayError.InvalidRequestType;
        var body = new GatewayError(plan.Status, message, type, Code).ToJsonBytes();
        var hints = plan.RetryAfterSeconds is { } seconds ? new ProviderRateHints { RetryAfter = TimeSpan.FromSeconds(seconds) } : null;
        return UpstreamErrors.FromResponse(plan.Status, hints, body, deployment);
    }

    /// <summary>How long a Delay fault holds the request before it is sent; zero for any other plan.</summary>
    public static TimeSpan Delay(FaultPlan? plan) => plan is { Kind: FaultKind.Delay } ? plan.Delay : TimeSpan.Zero;

    /// <summary>How many upstream stream events are relayed before a Cut fault breaks the stream off; -1 without one.</summary>
    public static int CutAfterEvents(FaultPlan? plan) => plan is { Kind: FaultKind.Cut } ? Math.Max(0, plan.CutAfterChunks) : -1;

    public static bool Cuts(FaultPlan? plan) => plan is { Kind: FaultKind.Cut };

    /// <summary>Why a stream broke off, for the caller's error.</summary>
    public static string CutDescription(FaultPlan plan) =>
        $"Injected fault ({plan.Source}): cut after {Math.Max(0, plan.CutAfterChunks)} event(s)";

    /// <summary>
    /// A JSON answer cut mid-body: the first half of it, as a broken connection would leave it, which the
    /// adapter then reads (and refuses) like any truncated answer. Takes ownership of <paramref name="body"/>.
    /// </summary>
    public static PooledBody Truncate(PooledBody body)
    {
        using (body)
        {
            return PooledBody.FromBytes(body.Span[..(body.Length / 2)].ToArray());
        }
    }
}
