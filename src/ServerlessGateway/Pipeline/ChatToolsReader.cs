using System.Text.Json;

namespace ServerlessGateway.Pipeline;

/// <summary>"tools" and "tool_choice" of a chat request: enough to know which tool a forced choice names.</summary>
internal static class ChatToolsReader
{
    public readonly record struct ToolsScan(int Count, string? FirstToolName)
    {
        /// <summary>tool_choice "required": the first tool, known only once "tools" is read.</summary>
        public const string FirstToolMarker = "\0first";

        public static ToolsScan None => default;
    }

    public static GatewayError? ReadTools(ref Utf8JsonReader reader, out ToolsScan scan)
    {
        scan = ToolsScan.None;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return JsonFields.WrongType("tools", "an array", reader.TokenType);
        }

        var count = 0;
        string? first = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return JsonFields.WrongType($"tools[{count}]", "an object", reader.TokenType);
            }

            var name = ReadFunctionName(ref reader);
            first ??= name;
            count++;
        }

        scan = new ToolsScan(count, first);
        return null;
    }

    public static GatewayError? ReadToolChoice(ref Utf8JsonReader reader, out string? forced)
    {
        forced = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                forced = reader.ValueTextEquals("required"u8) ? ToolsScan.FirstToolMarker : null;
                return null;
            case JsonTokenType.StartObject:
                forced = ReadFunctionName(ref reader);
                return null;
            case JsonTokenType.Null:
                return null;
            default:
                return JsonFields.WrongType("tool_choice", "a string or an object", reader.TokenType);
        }
    }

    /// <summary>Reads {"type":"function","function":{"name":...}} and returns the name; leaves the reader at the object's end.</summary>
    private static string? ReadFunctionName(ref Utf8JsonReader reader)
    {
        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFunction = reader.ValueTextEquals("function"u8);
            reader.Read();
            if (!isFunction || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    name = JsonFields.GetString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return name;
    }
}
