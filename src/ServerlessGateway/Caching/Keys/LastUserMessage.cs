using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// The text of a chat request's last message when it is a user message made only of text: a string content, or an
/// array of parts that are all <c>{"type":"text","text":...}</c> (joined with "\n"). That text is what the semantic
/// cache embeds; anything else (images, audio, files, tool results) has no text that stands for the whole question.
/// </summary>
internal static class LastUserMessage
{
    /// <summary>The text of <paramref name="message"/> (one message object's JSON), or null when it is not a text-only user message.</summary>
    public static string? Text(ReadOnlySpan<byte> message)
    {
        try
        {
            var reader = new Utf8JsonReader(message, JsonFields.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            // A repeated property keeps its last value, as in the key.
            var isUser = false;
            string? text = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    isUser = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("user"u8);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    text = Content(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return isUser ? text : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Content(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var parts = new List<string>();
        var textOnly = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (TextPart(ref reader) is { } part)
            {
                parts.Add(part);
            }
            else
            {
                textOnly = false;
            }
        }

        return textOnly && parts.Count > 0 ? string.Join('\n', parts) : null;
    }

    /// <summary>The text of a text part, or null for any other part; reads the whole part either way.</summary>
    private static string? TextPart(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var isText = false;
        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isTextField = reader.ValueTextEquals("text"u8);
            reader.Read();
            if (isType)
            {
                isText = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("text"u8);
            }
            else if (isTextField)
            {
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip(); // a container value (of any field) is read past; on a string it does nothing
        }

        return isText ? text : null;
    }
}
