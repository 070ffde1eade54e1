using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// response_format on Anthropic. Anthropic's own structured output (output_config.format) exists only
/// on recent models, so the gateway uses the way every Claude model supports: one extra tool whose
/// input schema is the caller's schema, which the model is made to call; its input is the answer and
/// goes back to the caller as the message content (streamed as content deltas too), never as a tool
/// call. A tool's input is always an object, so a schema whose root is not one (an array of ids, a
/// string) is wrapped as {"value": schema} and the value unwrapped on the way back. json_object gets a
/// schema that accepts any object. The tool has a fixed name, refused for the caller's own tools when
/// response_format is set, and is recognised in the answer only when the request asked for JSON.
/// </summary>
public static class AnthropicJsonAnswer
{
    public const string ToolName = "json_response";

    /// <summary>The property that holds a wrapped answer.</summary>
    public const string WrappedProperty = "value";

    public enum Kind
    {
        None,
        JsonObject,
        JsonSchema,

        /// <summary>json_schema whose root is not an object: the tool's input is {"value": answer}.</summary>
        WrappedJsonSchema,
    }

    /// <summary>
    /// What response_format asks for, from one forward pass over the caller's body (cheap enough to
    /// repeat when the answer is read, so the request and answer sides always agree).
    /// </summary>
    public static Kind Requested(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Kind.None;
        }

        var kind = Kind.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFormat = reader.ValueTextEquals("response_format"u8);
            reader.Read();
            if (isFormat)
            {
                kind = reader.TokenType == JsonTokenType.StartObject ? ReadFormat(ref reader) : Kind.None; // a repeated key counts by its last value, as JsonElement reads it
            }

            if (!isFormat || reader.TokenType != JsonTokenType.EndObject)
            {
                reader.Skip();
            }
        }

        return kind;
    }

    /// <summary>Whether a JSON schema describes an object (the only root a tool input can have).</summary>
    public static bool IsObjectSchema(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) ? type.ValueKind == JsonValueKind.String && type.ValueEquals("object") : schema.TryGetProperty("properties", out _);

    /// <summary>Reads a response_format object, leaving the reader on its end.</summary>
    private static Kind ReadFormat(ref Utf8JsonReader reader)
    {
        string? type = null;
        var objectRoot = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isSchema = reader.ValueTextEquals("json_schema"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else if (isSchema && reader.TokenType == JsonTokenType.StartObject)
            {
                objectRoot = ReadJsonSchema(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return type switch
        {
            "json_object" => Kind.JsonObject,
            "json_schema" => objectRoot ? Kind.JsonSchema : Kind.WrappedJsonSchema,
            _ => Kind.None,
        };
    }

    /// <summary>Reads json_schema and tells whether its schema's root is an object (as <see cref="IsObjectSchema"/> decides).</summary>
    private static bool ReadJsonSchema(ref Utf8JsonReader reader)
    {
        var objectRoot = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSchema = reader.ValueTextEquals("schema"u8);
            reader.Read();
            if (!isSchema || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            bool? typedObject = null;
            var hasProperties = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                hasProperties |= reader.ValueTextEquals("properties"u8);
                reader.Read();
                if (isType)
                {
                    typedObject = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("object"u8);
                }

                reader.Skip();
            }

            objectRoot = typedObject ?? hasProperties;
        }

        return objectRoot;
    }
}
