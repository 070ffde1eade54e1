using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Http;

/// <summary>Turns an upstream's non-success answer into a failure that keeps its status and message.</summary>
public static class UpstreamErrors
{
    public static UpstreamFailure FromResponse(int status, HttpResponseHeaders headers, ReadOnlyMemory<byte> body, string deployment)
    {
        var (message, type, code, param) = ReadOpenAIError(body.Span);
        var openAIShaped = message is not null;
        message ??= body.IsEmpty
            ? $"The upstream deployment '{deployment}' answered {status} with no body."
            : $"The upstream deployment '{deployment}' answered {status}: {Truncate(body.Span)}";
        var error = new GatewayError(status, message, type ?? (status >= 500 ? GatewayError.ServerErrorType : GatewayError.InvalidRequestType), code, param)
        {
            RetryAfterSeconds = RetryAfterSeconds(headers),
        };
        return new UpstreamFailure(error, FailureClassifier.ForStatus(status), $"status {status}")
        {
            UpstreamBody = openAIShaped ? body : ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>Retry-After in seconds, from "retry-after-ms" (OpenAI, Azure), "retry-after" seconds or an HTTP date.</summary>
    public static int? RetryAfterSeconds(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return (int)Math.Ceiling(millis / 1000);
        }

        return headers.RetryAfter switch
        {
            { Delta: { } delta } => (int)Math.Ceiling(delta.TotalSeconds),
            _ => null,
        };
    }

    private static (string? Message, string? Type, string? Code, string? Param) ReadOpenAIError(ReadOnlySpan<byte> body)
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

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw text becomes the message.
        }

        return default;
    }

    private static (string?, string?, string?, string?) ReadErrorObject(ref Utf8JsonReader reader)
    {
        string? message = null, type = null, code = null, param = null;
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
            reader.Skip();
            switch (name)
            {
                case "message": message = value; break;
                case "type": type = value; break;
                case "code": code = value; break;
                case "param": param = value; break;
            }
        }

        return (message, type, code, param);
    }

    private static string Truncate(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 500)]).ReplaceLineEndings(" ");
        return body.Length > 500 ? text + "…" : text;
    }
}
