using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;
using static ServerlessGateway.Providers.Http.HttpProviderAdapter;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>Why a request cannot go to Gemini: refused before anything is sent.</summary>
internal static class Untranslatable
{
    /// <summary>The request is malformed where the gateway reads it: any provider would refuse it, so it goes back to the caller.</summary>
    public static UntranslatableRequestException Invalid(string message, string param) =>
        new(new UpstreamFailure(GatewayError.InvalidRequest(message, param), FailureAction.ReturnToCaller, "request invalid for Gemini") { NotSent = true });

    /// <summary>The request asks for something Gemini cannot do: another deployment (of another provider) may, so it is tried.</summary>
    public static UntranslatableRequestException Unsupported(string message, string param) =>
        new(new UpstreamFailure(GatewayError.InvalidRequest("Gemini cannot serve this request: " + message, param, "unsupported_by_provider"), FailureAction.TryNextDeployment, "request not expressible for Gemini") { NotSent = true });
}
