namespace ServerlessGateway.Pipeline;

/// <summary>Response headers that tell the caller what the gateway did.</summary>
public static class GatewayHeaders
{
    public const string RequestId = "x-request-id";
    public const string Deployment = "x-gateway-deployment";
    public const string Provider = "x-gateway-provider";
    public const string Attempts = "x-gateway-attempts";

    /// <summary>Milliseconds the gateway itself spent, excluding the wait for the upstream (up to the first byte sent).</summary>
    public const string OverheadMs = "x-gateway-overhead-ms";
    public const string ServerTiming = "server-timing";
}
