using System.Text;
using System.Text.Json;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Http;

/// <summary>Turns an upstream's non-success answer into a failure that keeps its status and message.</summary>
public static class UpstreamErrors
{
    /// <summary>The failure for an error answer; <paramref name="hints"/> (from its headers) give it its Retry-After.</summary>
    public static UpstreamFailure FromResponse(int status, ProviderRateHints? hints, ReadOnlyMemory<byte> body, string deployment)
    {
        var read = ReadError(body.Span);
        var message = read.Message ?? (body.IsEmpty
            ? $"The upstream deployment '{deployment}' answered {status} with no body."
            : $"The upstream deployment '{deployment}' answered {status}: {(read.Text is { } text ? Truncate(text) : Truncate(body.Span))}");
        var error = new GatewayError(status, message, read.Type ?? (status >= 500 ? GatewayError.ServerErrorType : GatewayError.InvalidRequestType), read.Code, read.Param)
        {
            RetryAfterSeconds = hints?.RetryAfterSeconds,
        };

        // An OpenAI-shaped body is relayed as it came (extra fields such as Azure's innererror included);
        // one that lacks a field OpenAI's schema requires (Azure sends "type": null) gets it filled in.
        var relayed = read.Message is null ? ReadOnlyMemory<byte>.Empty
            : read.Complete ? body
            : UpstreamErrorBody.WithRequiredFields(body.Span, error);
        return new UpstreamFailure(error, FailureClassifier.ForStatus(status), $"status {status}")
        {
            UpstreamBody = relayed,
            RateHints = hints,
        };
    }

    /// <summary>
    /// Reads {"error":{"message","type","param","code"}} (OpenAI) or {"error":"text"} (Ollama and others;
    /// the text is quoted in the gateway's own message instead of the raw JSON).
    /// </summary>
    private static ErrorFields ReadError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isError && reader.TokenType == JsonTokenType.StartObject)
                {
                    return ReadErrorObject(ref reader);
                }

                if (isError && reader.TokenType == JsonTokenType.String)
                {
                    return new ErrorFields { Text = reader.GetString() };
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw text becomes the message.
        }

        return default;
    }

    private static ErrorFields ReadErrorObject(ref Utf8JsonReader reader)
    {
        var fields = new ErrorFields();
        bool typed = false, hasParam = false, hasCode = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                _ => null,
            };

            // OpenAI's schema: message and type are strings, param and code are present, each a string or null.
            var isString = reader.TokenType == JsonTokenType.String;
            var stringOrNull = isString || reader.TokenType == JsonTokenType.Null;
            reader.Skip();
            switch (name)
            {
                case "message": fields = fields with { Message = value }; break;
                case "type": fields = fields with { Type = value }; typed = isString; break;
                case "code": fields = fields with { Code = value }; hasCode = stringOrNull; break;
                case "param": fields = fields with { Param = value }; hasParam = stringOrNull; break;
            }
        }

        return fields with { Complete = fields.Message is not null && typed && hasParam && hasCode };
    }

    private readonly record struct ErrorFields(string? Message, string? Type, string? Code, string? Param, bool Complete, string? Text);

    private static string Truncate(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 500)]).ReplaceLineEndings(" ");
        return body.Length > 500 ? text + "…" : text;
    }

    private static string Truncate(string text) => (text.Length > 500 ? text[..500] + "…" : text).ReplaceLineEndings(" ");
}
