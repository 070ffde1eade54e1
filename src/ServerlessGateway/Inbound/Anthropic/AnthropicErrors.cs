using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Gateway errors in Anthropic's shape: {"type":"error","error":{"type","message"},"request_id"}, with
/// the status kept and the error type Anthropic gives that status (SDKs pick their exception by status,
/// people read the type).
/// </summary>
public static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error", Authentication = "authentication_error", Billing = "billing_error",
        Permission = "permission_error", NotFound = "not_found_error", RequestTooLarge = "request_too_large", RateLimit = "rate_limit_error",
        Api = "api_error", Timeout = "timeout_error", Overloaded = "overloaded_error";

    private static readonly string[] AnthropicTypes = [Authentication, Billing, Permission, NotFound, RequestTooLarge, RateLimit, Api, Timeout, Overloaded];

    public static string TypeFor(GatewayError error)
    {
        // An Anthropic upstream's own type, kept by its adapter, says more than the status does.
        if (AnthropicTypes.Contains(error.Type))
        {
            return error.Type;
        }

        return error.Status switch
        {
            401 => Authentication,
            402 => Billing,
            403 => Permission,
            404 => NotFound,
            413 => RequestTooLarge,
            429 => RateLimit,
            504 => Timeout,
            529 => Overloaded,
            503 when Mentions(error, "overload") => Overloaded,
            >= 500 => Api,
            _ => InvalidRequest,
        };
    }

    /// <summary>The message, reworded where the gateway's own names an OpenAI header an Anthropic caller does not use.</summary>
    public static string MessageFor(GatewayError error) => error.Code switch
    {
        "missing_api_key" => "x-api-key header is required (or send the key as 'Authorization: Bearer <key>').",
        _ => error.Message,
    };

    public static byte[] ToJsonBytes(GatewayError error, string? requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, AnthropicJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", TypeFor(error));
            writer.WriteString("message", MessageFor(error));
            writer.WriteEndObject();
            if (requestId is not null)
            {
                writer.WriteString("request_id", requestId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static Task WriteAsync(HttpResponse response, GatewayError error) =>
        JsonResponse.WriteAsync(response, error.Status, ToJsonBytes(error, RequestId(response)), error.RetryAfterSeconds);

    /// <summary>The id the pipeline assigned (x-request-id), quoted in error bodies as Anthropic does.</summary>
    public static string? RequestId(HttpResponse response) =>
        response.Headers[GatewayHeaders.RequestId] is { Count: 1 } id ? id[0] : null;

    private static bool Mentions(GatewayError error, string word) =>
        error.Type.Contains(word, StringComparison.OrdinalIgnoreCase) || error.Code?.Contains(word, StringComparison.OrdinalIgnoreCase) == true
        || error.Message.Contains(word, StringComparison.OrdinalIgnoreCase);
}
