using System.Text.Json;

namespace ServerlessGateway.Pipeline;

/// <summary>Shared pieces of the request readers: reader options, type checks and OpenAI-style messages.</summary>
internal static class JsonFields
{
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

    /// <summary>Reads the "model" value: a non-empty string of sane length.</summary>
    public static GatewayError? ReadModel(ref Utf8JsonReader reader, ref string? model, ref TokenSpan token)
    {
        if (model is not null)
        {
            return Duplicate("model");
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return WrongType("model", "a string", reader.TokenType);
        }

        token = CurrentToken(ref reader);
        model = reader.GetString();
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

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var number))
        {
            return WrongType(param, "an integer", reader.TokenType);
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

        var number = reader.GetDouble();
        return number < min || number > max ? Invalid(param, $"it must be between {min} and {max}; got {number}.") : null;
    }

    /// <summary>Reads to the end of the document so that trailing garbage is refused like any malformed JSON.</summary>
    public static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }
}
