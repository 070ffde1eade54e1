using ServerlessGateway.Configuration;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Whether the app runs as an Azure Functions custom handler (the host names its port in FUNCTIONS_CUSTOMHANDLER_PORT).
/// There the host's timer triggers run the jobs (once per schedule, on one instance of a scaled-out app), so local timers stay off.
/// </summary>
public static class FunctionsHosting
{
    public static bool IsFunctionsHost(this EnvironmentReferences environment) =>
        !string.IsNullOrEmpty(environment.Get(GatewayApplication.CustomHandlerPortVariable));
}
