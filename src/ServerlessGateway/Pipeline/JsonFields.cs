using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ServerlessGateway.Pipeline;

/// <summary>Shared pieces of the request readers: reader options, type checks and OpenAI-style messages.</summary>
internal static class JsonFields
{
    /// <summary>Reads the root of a request body; the reader is left on the root object's start.</summary>
    public delegate ParseResult<T> RootParser<T>(PooledBody body, ref Utf8JsonReader reader)
        where T : class;

    /// <summary>
    /// The checks every request parser shares: valid UTF-8, a JSON object at the root, and every reader
    /// exception turned into a 400 (never a 500).
    /// </summary>
    public static ParseResult<T> ParseGuarded<T>(PooledBody body, RootParser<T> parse)
        where T : class
    {
        if (!Utf8.IsValid(body.Span))
        {
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.", code: "invalid_encoding");
        }

        try
        {
            var reader = new Utf8JsonReader(body.Span, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return GatewayError.InvalidRequest("The request body must be a JSON object.", code: "invalid_json");
            }

            return parse(body, ref reader);
        }
        catch (JsonException ex)
        {
            return GatewayError.InvalidJson(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader's text comparisons throw this for an escape that is not valid UTF-16.
            return GatewayError.InvalidJson(ex.Message);
        }
    }

    /// <summary>Deep enough for any real JSON schema or tool definition; deeper input is refused with a 400.</summary>
    public const int MaxDepth = 128;

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    public static GatewayError WrongType(string param, string expected, JsonTokenType actual) =>
        GatewayError.InvalidRequest($"Invalid type for '{param}': expected {expected}, but got {Describe(actual)} instead.", param, "invalid_type");

    public static GatewayError Invalid(string param, string message) =>
        GatewayError.InvalidRequest($"Invalid value for '{param}': {message}", param, "invalid_value");

    public static GatewayError Missing(string param) =>
        GatewayError.InvalidRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static GatewayError Duplicate(string param) =>
        GatewayError.InvalidRequest($"The parameter '{param}' appears more than once.", param, "duplicate_parameter");

    /// <summary>The span of the current token's raw bytes, quotes included for strings.</summary>
    public static TokenSpan CurrentToken(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        var length = reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length + 2 : reader.ValueSpan.Length;
        return new TokenSpan(start, length);
    }

    /// <summary>
    /// Which of <paramref name="names"/> the current property name is, compared after decoding escapes
    /// ("mod\u0065l" is "model": the upstream decodes it, so the gateway must too), or -1.
    /// </summary>
    public static int Find(ref Utf8JsonReader reader, byte[][] names)
    {
        try
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (reader.ValueTextEquals(names[i]))
                {
                    return i;
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // An escape that is not valid UTF-16 (an unpaired surrogate): malformed JSON, not a crash.
            throw new JsonException(ex.Message, ex);
        }

        return -1;
    }

    /// <summary>
    /// The string value, unescaped. An escape that is not valid UTF-16 (an unpaired surrogate) is
    /// malformed JSON here, not an exception.
    /// </summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The fields already read from one object. A field the gateway interprets may appear only once:
    /// parsers disagree on duplicates (first wins, last wins, error), so a body with two "model" keys
    /// could route and bill one model while the upstream runs another.
    /// </summary>
    public struct SeenSet
    {
        private uint bits;

        public readonly bool Contains(int field) => (bits & (1u << field)) != 0;

        /// <summary>Marks <paramref name="field"/> as read, or returns the duplicate error when it already was.</summary>
        public GatewayError? Add(int field, string param)
        {
            if (Contains(field))
            {
                return Duplicate(param);
            }

            bits |= 1u << field;
            return null;
        }
    }

    /// <summary>Reads the "model" value: a non-empty string of sane length.</summary>
    public static GatewayError? ReadModel(ref Utf8JsonReader reader, out string? model, out TokenSpan token)
    {
        model = null;
        token = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return WrongType("model", "a string", reader.TokenType);
        }

        token = CurrentToken(ref reader);
        model = GetString(ref reader);
        return string.IsNullOrWhiteSpace(model) || model.Length > 256 ? Invalid("model", "it must be a model name of 1 to 256 characters.") : null;
    }

    /// <summary>An optional positive integer (null allowed).</summary>
    public static GatewayError? ReadOptionalInt(ref Utf8JsonReader reader, string param, int min, int max, out int? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return WrongType(param, "an integer", reader.TokenType);
        }

        if (!reader.TryGetInt64(out var number))
        {
            // A fraction or exponent is the wrong type; plain digits too long for a long are out of range.
            return reader.ValueSpan.IndexOfAny(".eE"u8) >= 0
                ? GatewayError.InvalidRequest($"Invalid type for '{param}': expected an integer, but got a decimal number instead.", param, "invalid_type")
                : Invalid(param, $"it must be between {min} and {max}.");
        }

        if (number < min || number > max)
        {
            return Invalid(param, $"it must be between {min} and {max}; got {number}.");
        }

        value = (int)number;
        return null;
    }

    /// <summary>An optional number in a range (null allowed).</summary>
    public static GatewayError? ReadOptionalNumber(ref Utf8JsonReader reader, string param, double min, double max)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return WrongType(param, "a number", reader.TokenType);
        }

        // TryGetDouble refuses what overflows a double (1e400): out of range too.
        if (reader.TryGetDouble(out var number) && number >= min && number <= max)
        {
            return null;
        }

        var raw = reader.ValueSpan; // a number token is ASCII: any prefix is whole characters
        return Invalid(param, $"it must be between {min} and {max}; got {Encoding.ASCII.GetString(raw[..Math.Min(raw.Length, 32)])}.");
    }

    /// <summary>Reads to the end of the document so that trailing garbage is refused like any malformed JSON.</summary>
    public static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }
}
