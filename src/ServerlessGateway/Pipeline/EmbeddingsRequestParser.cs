using System.Text;
using System.Text.Json;
using ServerlessGateway.Caching;

namespace ServerlessGateway.Pipeline;

/// <summary>Reads an embeddings body in one pass (see <see cref="ChatRequestParser"/> for why not a DOM).</summary>
public static class EmbeddingsRequestParser
{
    private const int Model = 0, Input = 1, EncodingFormat = 2, Dimensions = 3, User = 4, Cache = 5;
    private static readonly string[] Names = ["model", "input", "encoding_format", "dimensions", "user", "cache"];
    private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];

    public static ParseResult<EmbeddingsRequest> Parse(PooledBody body) => JsonFields.ParseGuarded(body, ParseCore);

    private static ParseResult<EmbeddingsRequest> ParseCore(PooledBody body, ref Utf8JsonReader reader)
    {
        string? model = null;
        var modelToken = default(TokenSpan);
        TokenSpan input = default;
        var base64 = false;
        int? dimensions = null;
        string? user = null;
        var cache = CacheDirectives.None;
        TokenSpan? cacheMember = null;
        var seen = new JsonFields.SeenSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var field = JsonFields.Find(ref reader, Utf8Names);
            reader.Read();
            var error = field < 0 ? null : seen.Add(field, Names[field]);
            error ??= field switch
            {
                Model => JsonFields.ReadModel(ref reader, out model, out modelToken),
                Input => ReadInput(ref reader, out input),
                EncodingFormat => ReadEncodingFormat(ref reader, out base64),
                Dimensions => JsonFields.ReadOptionalInt(ref reader, "dimensions", 1, 65536, out dimensions),
                User => RequestTagsReader.ReadUser(ref reader, out user),
                Cache => CacheDirectivesReader.ReadBody(ref reader, out cache),
                _ => Skip(ref reader),
            };

            if (field == Cache)
            {
                cacheMember = new TokenSpan(nameStart, (int)reader.BytesConsumed - nameStart);
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

        if (!seen.Contains(Input))
        {
            return JsonFields.Missing("input");
        }

        return new EmbeddingsRequest(body, model, modelToken) { Input = input, Base64 = base64, Dimensions = dimensions, User = user, Cache = cache, CacheMember = cacheMember };
    }

    private static GatewayError? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
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

    /// <summary>
    /// input: a non-empty string, or a non-empty array of one kind: non-empty strings, token ids (one
    /// input), or non-empty arrays of token ids. A token id is a non-negative 32-bit integer.
    /// </summary>
    private static GatewayError? ReadInput(ref Utf8JsonReader reader, out TokenSpan input)
    {
        var start = (int)reader.TokenStartIndex;
        input = default;
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
        var kind = JsonTokenType.None;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (kind == JsonTokenType.None && reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.StartArray)
            {
                kind = reader.TokenType;
            }

            if (reader.TokenType != kind)
            {
                return JsonFields.WrongType($"input[{count}]", count == 0 ? "a string, a token id or an array of token ids" : "the same kind as input[0]", reader.TokenType);
            }

            var error = kind switch
            {
                JsonTokenType.String => reader.ValueSpan.Length == 0 ? JsonFields.Invalid($"input[{count}]", "it must not be empty.") : null,
                JsonTokenType.Number => IsTokenId(ref reader) ? null : NotATokenId($"input[{count}]"),
                _ => ReadTokenArray(ref reader, count),
            };
            if (error is not null)
            {
                return error;
            }

            count++;
        }

        input = new TokenSpan(start, (int)reader.TokenStartIndex + 1 - start);
        return count == 0 ? JsonFields.Invalid("input", "it must not be an empty array.") : null;
    }

    private static GatewayError? ReadTokenArray(ref Utf8JsonReader reader, int index)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                return JsonFields.WrongType($"input[{index}][{count}]", "a token id", reader.TokenType);
            }

            if (!IsTokenId(ref reader))
            {
                return NotATokenId($"input[{index}][{count}]");
            }

            count++;
        }

        return count == 0 ? JsonFields.Invalid($"input[{index}]", "an array of token ids must not be empty.") : null;
    }

    private static bool IsTokenId(ref Utf8JsonReader reader) => reader.TryGetInt32(out var id) && id >= 0;

    private static GatewayError NotATokenId(string param) => JsonFields.Invalid(param, "a token id is a non-negative integer.");
}
