using System.Text.Json;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// Reads the attribution a request carries in its body: OpenAI's "user" (a string) and "metadata" (an object
/// of up to 16 string values, keys ≤ 64 and values ≤ 512 characters — OpenAI's own limits, so a body the
/// gateway accepts is one OpenAI accepts).
/// </summary>
public static class RequestTagsReader
{
    public const int MaxPairs = 16;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 512;

    public static GatewayError? ReadUser(ref Utf8JsonReader reader, out string? user)
    {
        user = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return JsonFields.WrongType("user", "a string", reader.TokenType);
        }

        user = JsonFields.GetString(ref reader);
        return user.Length > MaxValueLength ? JsonFields.Invalid("user", $"it must be at most {MaxValueLength} characters.") : null;
    }

    public static GatewayError? ReadMetadata(ref Utf8JsonReader reader, out List<KeyValuePair<string, string>>? metadata)
    {
        metadata = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return JsonFields.WrongType("metadata", "an object", reader.TokenType);
        }

        metadata = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = JsonFields.GetString(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                return JsonFields.WrongType("metadata." + key, "a string", reader.TokenType);
            }

            var value = JsonFields.GetString(ref reader);
            if (key.Length is 0 or > MaxKeyLength || value.Length > MaxValueLength)
            {
                return JsonFields.Invalid("metadata", $"keys must be 1 to {MaxKeyLength} characters and values at most {MaxValueLength}.");
            }

            if (metadata.Count == MaxPairs)
            {
                return JsonFields.Invalid("metadata", $"it may hold at most {MaxPairs} pairs.");
            }

            metadata.Add(new(key, value));
        }

        return null;
    }
}
