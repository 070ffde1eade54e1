using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// response_format on Anthropic. Anthropic's own structured output (output_config.format) exists only
/// on recent models, so the gateway uses the way every Claude model supports: one extra tool whose
/// input schema is the caller's schema, which the model is made to call; its input is the answer and
/// goes back to the caller as the message content (streamed as content deltas too), never as a tool
/// call. json_object gets the same tool with a schema that accepts any object. The tool has a fixed
/// name, refused for the caller's own tools when response_format is set, and is recognised in the
/// answer only when the request asked for a JSON answer.
/// </summary>
public static class AnthropicJsonAnswer
{
    public const string ToolName = "json_response";

    public enum Kind
    {
        None,
        JsonObject,
        JsonSchema,
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
                kind = Kind.None; // a repeated key counts by its last value, as JsonElement.GetProperty reads it
            }

            if (!isFormat || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    kind = reader.ValueTextEquals("json_schema"u8) ? Kind.JsonSchema
                        : reader.ValueTextEquals("json_object"u8) ? Kind.JsonObject
                        : Kind.None;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return kind;
    }
}
