using System.Text.Json;
using System.Text.Unicode;

namespace ServerlessGateway.Pipeline;

/// <summary>Reads an embeddings body in one pass (see <see cref="ChatRequestParser"/> for why not a DOM).</summary>
public static class EmbeddingsRequestParser
{
    public static ParseResult<EmbeddingsRequest> Parse(PooledBody body)
    {
        var span = body.Span;
        if (!Utf8.IsValid(span))
        {
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.", code: "invalid_encoding");
        }

        try
        {
            return ParseCore(body, span);
        }
        catch (JsonException ex)
        {
            return GatewayError.InvalidJson(ex.Message);
        }
    }

    private static ParseResult<EmbeddingsRequest> ParseCore(PooledBody body, ReadOnlySpan<byte> span)
    {
        var reader = new Utf8JsonReader(span, JsonFields.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return GatewayError.InvalidRequest("The request body must be a JSON object.", code: "invalid_json");
        }

        string? model = null;
        var modelToken = default(TokenSpan);
        TokenSpan? input = null;
        var base64 = false;
        int? dimensions = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            GatewayError? error = null;
            if (name.SequenceEqual("model"u8))
            {
                error = JsonFields.ReadModel(ref reader, ref model, ref modelToken);
            }
            else if (name.SequenceEqual("input"u8))
            {
                error = input is null ? ReadInput(ref reader, out input) : JsonFields.Duplicate("input");
            }
            else if (name.SequenceEqual("encoding_format"u8))
            {
                error = ReadEncodingFormat(ref reader, out base64);
            }
            else if (name.SequenceEqual("dimensions"u8))
            {
                error = JsonFields.ReadOptionalInt(ref reader, "dimensions", 1, 65536, out dimensions);
            }
            else
            {
                reader.Skip();
            }

            if (error is not null)
            {
                return error;
            }
        }

        JsonFields.ReadToEnd(ref reader);
        if (model is null)
        {
            return JsonFields.Missing("model");
        }

        if (input is null)
        {
            return JsonFields.Missing("input");
        }

        return new EmbeddingsRequest(body, model, modelToken) { Input = input.Value, Base64 = base64, Dimensions = dimensions };
    }

    private static GatewayError? ReadEncodingFormat(ref Utf8JsonReader reader, out bool base64)
    {
        base64 = false;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return JsonFields.WrongType("encoding_format", "a string", reader.TokenType);
        }

        base64 = reader.ValueTextEquals("base64"u8);
        return base64 || reader.ValueTextEquals("float"u8) ? null : JsonFields.Invalid("encoding_format", "it must be 'float' or 'base64'.");
    }

    /// <summary>input: a string, or a non-empty array of strings, of token ids, or of token-id arrays.</summary>
    private static GatewayError? ReadInput(ref Utf8JsonReader reader, out TokenSpan? input)
    {
        input = null;
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.String)
        {
            input = JsonFields.CurrentToken(ref reader);
            return reader.ValueSpan.Length == 0 ? JsonFields.Invalid("input", "it must not be empty.") : null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return JsonFields.WrongType("input", "a string or an array", reader.TokenType);
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var ok = reader.TokenType switch
            {
                JsonTokenType.String or JsonTokenType.Number => true,
                JsonTokenType.StartArray => ReadTokenArray(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return JsonFields.WrongType($"input[{count}]", "a string, a token id or an array of token ids", reader.TokenType);
            }

            count++;
        }

        input = new TokenSpan(start, (int)reader.TokenStartIndex + 1 - start);
        return count == 0 ? JsonFields.Invalid("input", "it must not be an empty array.") : null;
    }

    private static bool ReadTokenArray(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                return false;
            }
        }

        return true;
    }
}
