using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Pipeline;

/// <summary>The text of a chat request's last user message, read from the body where the parser found it.</summary>
internal static class ChatContentText
{
    /// <summary>
    /// The message's string, or its text parts joined by <paramref name="separator"/> (other parts as "[type]" when
    /// <paramref name="nameOtherParts"/>); null when the request has no user message.
    /// </summary>
    public static string? LastUserText(ChatRequest request, string separator, bool nameOtherParts)
    {
        if (request.LastUserContent is not { } content)
        {
            return null;
        }

        var reader = new Utf8JsonReader(request.Body.Span.Slice(content.Start, content.Length));
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() ?? "";
        }

        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? type = null, partText = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && (isType || isText))
                {
                    (type, partText) = isType ? (reader.GetString(), partText) : (type, reader.GetString());
                }
                else
                {
                    reader.Skip();
                }
            }

            var part = partText ?? (nameOtherParts ? $"[{type}]" : null);
            if (part is not null)
            {
                text.Append(text.Length > 0 ? separator : "").Append(part);
            }
        }

        return text.ToString();
    }
}
