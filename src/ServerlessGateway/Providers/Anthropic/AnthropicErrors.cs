using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Anthropic's errors ({"type":"error","error":{"type","message"},"request_id"}) as OpenAI errors:
/// the status is kept except 529 overloaded_error, which no OpenAI client knows and becomes 503;
/// the message is Anthropic's (with its request id, for support); the type is server_error for 5xx
/// and Anthropic's own otherwise (invalid_request_error, authentication_error, rate_limit_error… —
/// OpenAI clients act on the status, not the type); the code is Anthropic's error type. Failover
/// follows the original status (FailureClassifier: 429, 529 and 5xx → next deployment; 400 and 413
/// → back to the caller), and Retry-After is kept.
/// </summary>
public static class AnthropicErrors
{
    public const int OverloadedStatus = 529;

    public static UpstreamFailure FromResponse(int status, ProviderRateHints? hints, ReadOnlyMemory<byte> body, string deployment)
    {
        var read = TryRead(body.Span);
        if (read?.Error is not { Message: { } message } detail)
        {
            // Not Anthropic's shape (a proxy's page, an empty body): described the generic way.
            var generic = UpstreamErrors.FromResponse(status, hints, body, deployment);
            return status == OverloadedStatus
                ? new UpstreamFailure(generic.Error with { Status = StatusCodes.Status503ServiceUnavailable }, generic.Action, generic.Reason) { UpstreamBody = generic.UpstreamBody, RateHints = hints }
                : generic;
        }

        if (read.RequestId is { Length: > 0 } requestId)
        {
            message += $" (Anthropic request id {requestId})";
        }

        var error = new GatewayError(CallerStatus(status), message, ErrorType(status, detail.Type), detail.Type)
        {
            RetryAfterSeconds = hints?.RetryAfterSeconds,
        };
        return new UpstreamFailure(error, FailureClassifier.ForStatus(status), $"status {status} ({detail.Type})") { RateHints = hints };
    }

    /// <summary>
    /// An "error" event as the first event of a 200 stream: nothing has reached the caller, so the attempt
    /// fails as if Anthropic had answered the error's status (overloaded → 529 → the next deployment).
    /// </summary>
    public static UpstreamFailure FromStreamStart(AnthropicErrorDetail? detail, string deployment)
    {
        var status = StatusOf(detail?.Type);
        var message = detail?.Message is { Length: > 0 } text ? text : $"The upstream deployment '{deployment}' reported {detail?.Type ?? "an error"} before answering.";
        var error = new GatewayError(CallerStatus(status), message, ErrorType(status, detail?.Type), detail?.Type);
        return new UpstreamFailure(error, FailureClassifier.ForStatus(status), $"error event before the answer ({detail?.Type})");
    }

    /// <summary>An "error" event in a stream that has already started: the in-band error the caller gets.</summary>
    public static GatewayError FromStreamError(AnthropicErrorDetail? detail, string deployment)
    {
        var status = StatusOf(detail?.Type);
        var message = detail?.Message is { Length: > 0 } text
            ? $"The upstream deployment '{deployment}' failed mid-stream: {text}; the answer above is incomplete."
            : $"The upstream deployment '{deployment}' failed mid-stream; the answer above is incomplete.";
        return new GatewayError(CallerStatus(status), message, ErrorType(status, detail?.Type), detail?.Type ?? "upstream_stream_error");
    }

    /// <summary>The status Anthropic answers an error type with (its errors documentation), for errors that came in a stream.</summary>
    public static int StatusOf(string? errorType) => errorType switch
    {
        "overloaded_error" => OverloadedStatus,
        "rate_limit_error" => StatusCodes.Status429TooManyRequests,
        "invalid_request_error" => StatusCodes.Status400BadRequest,
        "authentication_error" => StatusCodes.Status401Unauthorized,
        "billing_error" => StatusCodes.Status402PaymentRequired,
        "permission_error" => StatusCodes.Status403Forbidden,
        "not_found_error" => StatusCodes.Status404NotFound,
        "request_too_large" => StatusCodes.Status413PayloadTooLarge,
        "timeout_error" => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static int CallerStatus(int status) => status == OverloadedStatus ? StatusCodes.Status503ServiceUnavailable : status;

    private static string ErrorType(int status, string? anthropicType) =>
        status >= 500 ? GatewayError.ServerErrorType : anthropicType ?? GatewayError.InvalidRequestType;

    internal static AnthropicErrorBody? TryRead(ReadOnlySpan<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
