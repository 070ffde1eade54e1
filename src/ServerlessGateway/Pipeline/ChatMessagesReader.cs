using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The "messages" array of a chat request: every message needs a known role, and content where the role
/// requires it; content parts need a type. Parameter paths ("messages[3].content") are built only for errors.
/// </summary>
internal static class ChatMessagesReader
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];
    private static readonly byte[][] Utf8Roles = [.. Roles.Select(Encoding.UTF8.GetBytes)];

    /// <param name="Span">The whole array, for signals read on demand (code in the conversation).</param>
    /// <param name="HasImages">Some message has an image_url content part.</param>
    public readonly record struct MessagesScan(int Count, TokenSpan? LastUserContent, TokenSpan Span, bool HasImages);

    public static GatewayError? ReadMessages(ref Utf8JsonReader reader, out MessagesScan scan)
    {
        scan = default;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return JsonFields.WrongType("messages", "an array", reader.TokenType);
        }

        var start = (int)reader.TokenStartIndex;
        var count = 0;
        var hasImages = false;
        TokenSpan? lastUser = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return JsonFields.WrongType(MessagePath(count), "an object", reader.TokenType);
            }

            var error = ReadMessage(ref reader, count, ref hasImages, out var role, out var content);
            if (error is not null)
            {
                return error;
            }

            if (role == "user")
            {
                lastUser = content;
            }

            count++;
        }

        if (count == 0)
        {
            return JsonFields.Invalid("messages", "it must contain at least one message.");
        }

        scan = new MessagesScan(count, lastUser, new TokenSpan(start, (int)reader.TokenStartIndex + 1 - start), hasImages);
        return null;
    }

    /// <summary>"messages[3].content": built only for an error message, never on the way through.</summary>
    private static string MessagePath(int message, string field = "") => $"messages[{message}]{field}";

    private static GatewayError? ReadMessage(ref Utf8JsonReader reader, int message, ref bool hasImages, out string? role, out TokenSpan? content)
    {
        role = null;
        content = null;
        var sawRole = false;
        var sawContent = false;
        var contentPresent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                if (sawRole)
                {
                    return JsonFields.Duplicate(MessagePath(message, ".role"));
                }

                sawRole = true;
                if (reader.TokenType != JsonTokenType.String)
                {
                    return JsonFields.WrongType(MessagePath(message, ".role"), "a string", reader.TokenType);
                }

                var known = JsonFields.Find(ref reader, Utf8Roles);
                if (known < 0)
                {
                    return JsonFields.Invalid(MessagePath(message, ".role"), $"'{JsonFields.GetString(ref reader)}' is not one of {string.Join(", ", Roles)}.");
                }

                role = Roles[known];
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (contentPresent)
                {
                    return JsonFields.Duplicate(MessagePath(message, ".content"));
                }

                contentPresent = true;
                sawContent = reader.TokenType != JsonTokenType.Null;
                var error = ReadContent(ref reader, message, ref hasImages, out content);
                if (error is not null)
                {
                    return error;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (role is null)
        {
            return JsonFields.Missing(MessagePath(message, ".role"));
        }

        return !sawContent && role is "system" or "developer" or "user" or "tool" ? JsonFields.Missing(MessagePath(message, ".content")) : null;
    }

    private static GatewayError? ReadContent(ref Utf8JsonReader reader, int message, ref bool hasImages, out TokenSpan? content)
    {
        content = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                content = JsonFields.CurrentToken(ref reader);
                return null;
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var error = ReadContentPart(ref reader, message, index++, ref hasImages);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                content = new TokenSpan(start, (int)reader.TokenStartIndex + 1 - start);
                return null;
            default:
                return JsonFields.WrongType(MessagePath(message, ".content"), "a string or an array of content parts", reader.TokenType);
        }
    }

    private static GatewayError? ReadContentPart(ref Utf8JsonReader reader, int message, int part, ref bool hasImages)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return JsonFields.WrongType(MessagePath(message, $".content[{part}]"), "an object", reader.TokenType);
        }

        var sawType = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                if (sawType)
                {
                    return JsonFields.Duplicate(MessagePath(message, $".content[{part}].type"));
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return JsonFields.WrongType(MessagePath(message, $".content[{part}].type"), "a string", reader.TokenType);
                }

                sawType = true;
                hasImages |= reader.ValueTextEquals("image_url"u8);
            }
            else
            {
                reader.Skip();
            }
        }

        return sawType ? null : JsonFields.Missing(MessagePath(message, $".content[{part}].type"));
    }
}
