using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// An Anthropic caller served by an Anthropic deployment (native pass-through): the caller's own body goes
/// upstream with only the model name changed, and Anthropic's answer, events and errors come back as they
/// came. The gateway reads only what it must: the usage, and each error's type and status for failover.
/// </summary>
public static class AnthropicPassThrough
{
    /// <summary>The caller's body with the deployment's model spliced in: no copy, no re-serialisation.</summary>
    public static ForwardedBody Body(CallerApiRequest original, Configuration.Deployment deployment) =>
        new(original.Body, [new BodyEdit(original.ModelToken.Start, original.ModelToken.Length, deployment.UpstreamModelJson)]);

    /// <summary>
    /// Anthropic's error answer, to be relayed unchanged: its status (529 too, which Anthropic's SDKs know),
    /// its error type (in <see cref="GatewayError.Type"/>, for the caller format and the logs) and its body.
    /// Failover follows the status like any other upstream's.
    /// </summary>
    public static UpstreamFailure Failure(int status, ProviderRateHints? hints, byte[] body, string deployment)
    {
        if (AnthropicErrors.TryRead(body)?.Error is not { Message: { } message, Type: { } type })
        {
            // Not Anthropic's shape (a proxy's page, an empty body): described the generic way, status kept.
            return UpstreamErrors.FromResponse(status, hints, body, deployment);
        }

        var error = new GatewayError(status, message, type, type) { RetryAfterSeconds = hints?.RetryAfterSeconds };
        return new UpstreamFailure(error, FailureClassifier.ForStatus(status), $"status {status} ({type})") { CallerApiBody = body, RateHints = hints };
    }

    /// <summary>
    /// An "error" event first in a 200 stream, as the error answer Anthropic would have sent with that error's
    /// status: the event's data is the same {"type":"error","error":{...}} body, relayed unchanged if no
    /// other deployment answers.
    /// </summary>
    public static UpstreamFailure StreamStartFailure(ReadOnlySequence<byte> data, string deployment)
    {
        var body = data.ToArray();
        var detail = AnthropicErrors.TryRead(body)?.Error;
        var status = AnthropicErrors.StatusOf(detail?.Type);
        var type = detail?.Type ?? "api_error";
        var message = detail?.Message ?? $"The upstream deployment '{deployment}' reported {type} before answering.";
        return new UpstreamFailure(new GatewayError(status, message, type, type), FailureClassifier.ForStatus(status), $"error event before the answer ({type})")
        {
            CallerApiBody = body,
        };
    }

    /// <summary>
    /// The usage of a complete Anthropic message, read in one pass that also proves the answer is JSON
    /// (the rest is skipped, not deserialised: it is relayed as it is).
    /// </summary>
    /// <exception cref="JsonException">The answer is not a JSON object.</exception>
    public static TokenUsage? ReadUsage(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the answer is not a JSON object");
        }

        AnthropicUsage? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject)
            {
                usage = JsonSerializer.Deserialize(ref reader, AnthropicJsonContext.Default.AnthropicUsage);
            }
            else
            {
                reader.Skip();
            }
        }

        while (reader.Read())
        {
            // Whatever follows the object (nothing, in a valid answer) is read so that trailing garbage throws.
        }

        return usage?.ToTokenUsage();
    }
}
