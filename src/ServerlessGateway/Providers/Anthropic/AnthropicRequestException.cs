using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// A request that cannot be said in Anthropic's API. Raised where the translation finds the problem
/// (threading an error value through every helper would bury the mapping) and turned into a failure
/// value by the adapter straight away, before anything is sent.
/// </summary>
public sealed class AnthropicRequestException(GatewayError error, FailureAction action) : Exception(error.Message)
{
    public GatewayError Error { get; } = error;

    public FailureAction Action { get; } = action;

    /// <summary>The request is wrong whatever the provider: it goes back to the caller.</summary>
    public static AnthropicRequestException Invalid(string param, string message) =>
        new(GatewayError.InvalidRequest(message, param), FailureAction.ReturnToCaller);

    /// <summary>Anthropic cannot do what was asked; another deployment of the model (say, OpenAI) may.</summary>
    public static AnthropicRequestException Unsupported(string param, string message) =>
        new(GatewayError.InvalidRequest(message + " (not supported by Anthropic models)", param, "unsupported_by_provider"), FailureAction.TryNextDeployment);
}
