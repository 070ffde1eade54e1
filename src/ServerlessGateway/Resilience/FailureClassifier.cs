using System.Net;
using System.Net.Sockets;

namespace ServerlessGateway.Resilience;

/// <summary>
/// The one place that decides, for every upstream status or exception, whether a failure belongs to
/// the request (return it) or to the deployment (try the next one). Table-tested.
/// </summary>
public static class FailureClassifier
{
    public static FailureAction ForStatus(int status) => status switch
    {
        // The request is wrong: every deployment would say the same.
        400 or 413 or 415 or 422 => FailureAction.ReturnToCaller,

        // Credentials, quota, a missing model or deployment, rate limits, overload and outages belong to
        // this deployment: another one may well serve the request.
        401 or 402 or 403 or 404 or 408 or 409 or 429 => FailureAction.TryNextDeployment,
        >= 500 => FailureAction.TryNextDeployment,
        _ => FailureAction.ReturnToCaller,
    };

    /// <summary>Exceptions from sending: the connection failed, so the deployment is at fault.</summary>
    public static FailureAction ForException(Exception exception) => exception switch
    {
        HttpRequestException or SocketException or IOException or TimeoutException => FailureAction.TryNextDeployment,
        _ => FailureAction.ReturnToCaller,
    };

    /// <summary>
    /// A time-out before the answer was committed (connect, first token, total): nothing has reached the caller,
    /// and the deployment is the slow one, so another may answer in time.
    /// </summary>
    public static FailureAction ForTimeout() => FailureAction.TryNextDeployment;

    public static string Describe(HttpStatusCode status) => $"status {(int)status}";
}
