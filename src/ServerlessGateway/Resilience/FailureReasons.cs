namespace ServerlessGateway.Resilience;

/// <summary>
/// The short reasons failed attempts and broken streams carry (<see cref="UpstreamFailure.Reason"/>, and the
/// Failure of a relay's outcome), for the decision trace and the usage record. Each names one cause; an
/// injected fault carries the reason of the failure it imitates (its message says it was injected).
/// Upstream error statuses carry "status {code}", sometimes with the provider's error type.
/// </summary>
public static class FailureReasons
{
    /// <summary>No TCP connection within the deployment's connect time-out.</summary>
    public const string ConnectTimeout = "connect timeout";

    /// <summary>The answer did not start (headers of a JSON answer, first event of a stream) within the first-token time-out.</summary>
    public const string FirstTokenTimeout = "first token timeout";

    /// <summary>The call passed its total time-out (before the answer was committed, or in-band after).</summary>
    public const string Timeout = "timeout";

    /// <summary>A started stream was silent for longer than the idle time-out (in-band).</summary>
    public const string IdleTimeout = "idle timeout";

    /// <summary>The connection failed or broke before the answer was complete.</summary>
    public const string ConnectionFailed = "connection failed";

    /// <summary>A stream broke, ended or reported an error before its first event.</summary>
    public const string StreamFailedBeforeFirstEvent = "stream failed before first event";

    /// <summary>A started stream broke off (in-band).</summary>
    public const string StreamBrokeOff = "stream broke off";

    /// <summary>A started stream ended without its end marker or a complete answer (in-band).</summary>
    public const string StreamEndedEarly = "stream ended early";

    /// <summary>The upstream reported an error inside a started stream, relayed as the stream's in-band error.</summary>
    public const string ErrorInStream = "error in stream";

    /// <summary>A success status whose body is not JSON.</summary>
    public const string InvalidJson = "invalid JSON";
}
