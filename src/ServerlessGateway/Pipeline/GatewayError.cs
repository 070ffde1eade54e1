using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Contracts;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// An error the caller will see, as a value: status plus the OpenAI error fields. Every failure
/// path ends in one of these, so nothing leaves the gateway as a bare 500 or a stack trace.
/// </summary>
public sealed record GatewayError(int Status, string Message, string Type, string? Code = null, string? Param = null)
{
    public const string InvalidRequestType = "invalid_request_error";
    public const string ServerErrorType = "server_error";

    /// <summary>Seconds the caller should wait before retrying (sent as Retry-After), when known.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static GatewayError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequestType, code, param);

    public static GatewayError InvalidJson(string detail) =>
        InvalidRequest($"The request body is not valid JSON: {detail}", code: "invalid_json");

    public static GatewayError MissingKey() => new(
        StatusCodes.Status401Unauthorized,
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' (or the 'api-key' header).",
        InvalidRequestType,
        "missing_api_key");

    public static GatewayError InvalidKey() => new(
        StatusCodes.Status401Unauthorized, "Incorrect API key provided.", InvalidRequestType, "invalid_api_key");

    public static GatewayError ModelNotFound(string model, IEnumerable<string> available) => new(
        StatusCodes.Status404NotFound,
        $"The model '{model}' does not exist on this gateway. Models you can use: {string.Join(", ", available.Take(20))}.",
        InvalidRequestType,
        "model_not_found",
        "model");

    public static GatewayError ModelNotAllowed(string model) => new(
        StatusCodes.Status403Forbidden, $"This API key is not allowed to use the model '{model}'.", "permission_error", "model_not_allowed", "model");

    public static GatewayError ModelUnavailable(string model) => new(
        StatusCodes.Status503ServiceUnavailable,
        $"The model '{model}' has no usable deployment (see GET /health/ready for the configuration problem).",
        ServerErrorType,
        "model_unavailable",
        "model");

    public static GatewayError PayloadTooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge, $"The request body is larger than this gateway accepts ({limit} bytes).", InvalidRequestType, "request_too_large");

    public static GatewayError UnsupportedMediaType() => new(
        StatusCodes.Status415UnsupportedMediaType, "Send the request body as JSON with 'Content-Type: application/json'.", InvalidRequestType, "unsupported_media_type");

    public static GatewayError UpstreamUnreachable(string deployment, string reason) => new(
        StatusCodes.Status502BadGateway, $"The upstream deployment '{deployment}' could not be reached: {reason}", ServerErrorType, "upstream_unreachable");

    public static GatewayError UpstreamInvalidResponse(string deployment, string reason) => new(
        StatusCodes.Status502BadGateway, $"The upstream deployment '{deployment}' sent an invalid response: {reason}", ServerErrorType, "upstream_invalid_response");

    /// <summary>
    /// A store the request path needs (keys, rate-limit counters, budgets) cannot answer: the gateway's problem,
    /// not the caller's — 503 with Retry-After, never a 500.
    /// </summary>
    public static GatewayError StoreUnavailable(string store, string code) => new(
        StatusCodes.Status503ServiceUnavailable, $"The gateway could not reach its {store}; please try again shortly.", ServerErrorType, code)
    {
        RetryAfterSeconds = 1,
    };

    /// <summary>A budgeted caller cannot be sent to a deployment whose calls the gateway cannot price.</summary>
    public static GatewayError Unpriced(string deployment) => new(
        StatusCodes.Status403Forbidden,
        $"The deployment '{deployment}' has no price, so this key's budget cannot be enforced on it. Ask the operator to add it to Gateway:Prices.",
        "permission_error",
        "deployment_unpriced");

    /// <summary>Every candidate was open, cooling down after a 429, or at capacity, and the queue's wait ran out.</summary>
    public static GatewayError NoDeploymentAvailable(string model, bool unhealthy, int retryAfterSeconds) => unhealthy
        ? new(StatusCodes.Status503ServiceUnavailable, $"No deployment of '{model}' is available: every one is failing (circuit open) or cooling down. Retry after {retryAfterSeconds} s.", ServerErrorType, "no_deployment_available") { RetryAfterSeconds = retryAfterSeconds }
        : new(StatusCodes.Status429TooManyRequests, $"Every deployment of '{model}' is at capacity. Retry after {retryAfterSeconds} s.", "requests", "deployments_saturated") { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>The request's overall deadline (Gateway:Resilience:RequestDeadlineSeconds) passed before any deployment answered.</summary>
    public static GatewayError DeadlineExceeded(TimeSpan deadline) => new(
        StatusCodes.Status504GatewayTimeout, $"No deployment answered within the request's deadline of {deadline.TotalSeconds:0.#} s.", ServerErrorType, "deadline_exceeded");

    public static GatewayError Internal(string requestId) => new(
        StatusCodes.Status500InternalServerError,
        $"The gateway failed to handle this request. Quote request id {requestId} when reporting it.",
        ServerErrorType,
        "internal_error");

    public byte[] ToJsonBytes() =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(new ErrorBody(Message, Type, Param, Code)), GatewayJsonContext.Default.ErrorResponse);

    public Task WriteAsync(HttpResponse response) => JsonResponse.WriteAsync(response, Status, ToJsonBytes(), RetryAfterSeconds);
}
