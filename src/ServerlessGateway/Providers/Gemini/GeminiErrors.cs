using System.Text.Json;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Gemini's errors ({"error":{"code","message","status","details"}}, a google.rpc.Status) as OpenAI-shaped
/// errors with the provider's status and message, classified for failover: RESOURCE_EXHAUSTED (429, its
/// RetryInfo delay as Retry-After), UNAVAILABLE, INTERNAL and an unknown model (404) move to the next
/// deployment; INVALID_ARGUMENT goes back to the caller — except an invalid API key, which Gemini reports
/// as a 400 but is the deployment's fault (401 here), and FAILED_PRECONDITION (billing, unsupported
/// region), which is the deployment's too.
/// </summary>
internal static class GeminiErrors
{
    /// <summary>
    /// The failure for an error answer. A RetryInfo in the body says more than a Retry-After header would: it
    /// becomes the hints' RetryAfter, and so the error's.
    /// </summary>
    public static UpstreamFailure FromResponse(int status, ProviderRateHints? hints, byte[] body, string deployment)
    {
        if (Read(body) is not { Message: { } message } error)
        {
            return UpstreamErrors.FromResponse(status, hints, body, deployment); // not Gemini's shape: quoted as text
        }

        if (RetryDelay(error) is { } delay)
        {
            hints = ProviderRateHints.WithRetryAfter(hints, delay);
        }

        var invalidKey = error.Details?.Any(d => d.Reason?.StartsWith("API_KEY_", StringComparison.Ordinal) == true) == true;
        var effective = invalidKey ? 401 : status;
        var gatewayError = Describe(effective, message, error.Status, invalidKey) with
        {
            RetryAfterSeconds = hints?.RetryAfterSeconds,
        };
        var action = invalidKey || error.Status == "FAILED_PRECONDITION" ? FailureAction.TryNextDeployment : FailureClassifier.ForStatus(effective);
        return new UpstreamFailure(gatewayError, action, $"status {status} {error.Status}".TrimEnd()) { RateHints = hints };
    }

    /// <summary>An error event inside a stream (after the answer started): reported in-band.</summary>
    public static GatewayError InStream(GeminiError error)
    {
        var status = error.Code is >= 400 and <= 599 ? error.Code.Value : 502;
        return Describe(status, error.Message ?? "Gemini reported an error in the middle of the answer.", error.Status, invalidKey: false);
    }

    private static GatewayError Describe(int status, string message, string? rpcStatus, bool invalidKey)
    {
        var type = status switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            429 => "rate_limit_error",
            >= 500 => GatewayError.ServerErrorType,
            _ => GatewayError.InvalidRequestType,
        };
        var code = invalidKey ? "invalid_api_key"
            : status == 404 ? "model_not_found" // the gateway only calls model methods: what was not found is the model (or its Vertex path)
            : rpcStatus?.ToLowerInvariant();
        return new GatewayError(status, message, type, code);
    }

    /// <summary>RetryInfo's retryDelay, a protobuf Duration such as "34.4s"; null when absent or unreadable.</summary>
    private static TimeSpan? RetryDelay(GeminiError error)
    {
        foreach (var detail in error.Details ?? [])
        {
            if (detail.Type?.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) == true
                && detail.RetryDelay is [.., 's'] delay
                && RateHintValues.Duration(delay) is { } wait)
            {
                return wait;
            }
        }

        return null;
    }

    /// <summary>The error of a body that is {"error":{...}} or, as Google's APIs answer some calls, [{"error":{...}}].</summary>
    private static GeminiError? Read(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.StartArray && !reader.Read())
            {
                return null;
            }

            return reader.TokenType == JsonTokenType.StartObject
                ? JsonSerializer.Deserialize(ref reader, GeminiJsonContext.Default.GeminiErrorBody)?.Error
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
