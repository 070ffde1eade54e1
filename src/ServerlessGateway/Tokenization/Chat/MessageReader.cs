using System.Text.Json;

namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// Counts the "messages" array of a chat request in one forward pass (see <see cref="ChatPromptCounter"/> for the
/// framing rules). Content is counted from the JSON bytes without building strings; property order does not matter.
/// </summary>
internal static class MessageReader
{
    public static void ReadMessages(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state)
    {
        ChatPromptCounter.Expect(reader.TokenType == JsonTokenType.StartArray, "\"messages\" must be an array.");
        state.SawMessages = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ChatPromptCounter.Expect(reader.TokenType == JsonTokenType.StartObject, "Each message must be an object.");
            ReadMessage(ref reader, ref text, state);
        }
    }

    private static void ReadMessage(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state)
    {
        string? role = null, name = null, toolCallId = null;
        int contentTokens = 0, nameTokens = 0, callTokens = 0, calls = 0;
        var hasContent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("role"u8) ? 1
                : reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("refusal"u8) ? 2
                : reader.ValueTextEquals("name"u8) ? 3
                : reader.ValueTextEquals("tool_calls"u8) ? 4
                : reader.ValueTextEquals("function_call"u8) ? 5
                : reader.ValueTextEquals("tool_call_id"u8) ? 6
                : 0;
            reader.Read();
            switch (field)
            {
                case 1 when reader.TokenType == JsonTokenType.String:
                    role = Role(ref reader, ref text);
                    break;
                case 2:
                    var tokens = ReadContent(ref reader, ref text, state);
                    hasContent |= tokens > 0;
                    contentTokens += tokens;
                    break;
                case 3 when reader.TokenType == JsonTokenType.String:
                    var value = text.Read(ref reader);
                    name = System.Text.Encoding.UTF8.GetString(value);
                    nameTokens = state.Count(value);
                    break;
                case 4 when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        callTokens += ReadCall(ref reader, ref text, state, isLegacy: false);
                        calls++;
                    }

                    break;
                case 5 when reader.TokenType == JsonTokenType.StartObject:
                    callTokens += ReadCall(ref reader, ref text, state, isLegacy: true);
                    calls++;
                    break;
                case 6 when reader.TokenType == JsonTokenType.String:
                    toolCallId = System.Text.Encoding.UTF8.GetString(text.Read(ref reader));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        state.HasSystemMessage |= role is "system" or "developer";
        var total = callTokens;
        if (calls > 0 && !hasContent && role == "assistant")
        {
            // An assistant turn that only calls tools is just its calls.
            state.Add(total);
            return;
        }

        // A tool (or legacy function) result speaks as the function it answers: "functions.{name} to=assistant".
        var function = role switch
        {
            "tool" => state.CallName(toolCallId),
            "function" => name,
            _ => null,
        };
        if (function is not null)
        {
            total += ChatPromptCounter.TokensPerMessage + state.Count($"functions.{function} to=assistant") + contentTokens;
        }
        else
        {
            total += ChatPromptCounter.TokensPerMessage + state.Count(role ?? "user") + contentTokens;
            if (name is not null)
            {
                total += nameTokens + ChatPromptCounter.TokensPerName;
            }
        }

        state.Add(total);
    }

    /// <summary>The role as one of the known constants (no allocation), or the string as sent.</summary>
    private static string Role(ref Utf8JsonReader reader, ref JsonText text)
    {
        foreach (var known in (ReadOnlySpan<string>)["user", "assistant", "system", "developer", "tool", "function"])
        {
            if (reader.ValueTextEquals(known))
            {
                return known;
            }
        }

        return System.Text.Encoding.UTF8.GetString(text.Read(ref reader));
    }

    /// <summary>A string, or an array of content parts (text, refusal, image_url; audio and files make it an estimate).</summary>
    private static int ReadContent(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return state.Count(text.Read(ref reader));
            case JsonTokenType.StartArray:
                var tokens = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    tokens += reader.TokenType == JsonTokenType.StartObject ? ReadPart(ref reader, ref text, state) : Skip(ref reader);
                }

                return tokens;
            default:
                reader.Skip();
                return 0;
        }
    }

    private static int ReadPart(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state)
    {
        var tokens = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isText = reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("refusal"u8);
            var isImage = reader.ValueTextEquals("image_url"u8);
            var isUnsized = reader.ValueTextEquals("input_audio"u8) || reader.ValueTextEquals("file"u8);
            reader.Read();
            if (isText && reader.TokenType == JsonTokenType.String)
            {
                tokens += state.Count(text.Read(ref reader));
            }
            else if (isImage)
            {
                tokens += ReadImage(ref reader, ref text, state);
            }
            else
            {
                state.IsEstimate |= isUnsized;
                reader.Skip();
            }
        }

        return tokens;
    }

    /// <summary>{"url": "...", "detail": "low|high|auto"} or the bare URL string.</summary>
    private static int ReadImage(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state)
    {
        (int, int)? size = null;
        var low = false;
        state.IsEstimate = true;
        if (reader.TokenType == JsonTokenType.String)
        {
            size = ImageDimensions.FromDataUrl(text.Read(ref reader));
            return state.Images.Tokens(size, low);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUrl = reader.ValueTextEquals("url"u8);
            var isDetail = reader.ValueTextEquals("detail"u8);
            reader.Read();
            if (isUrl && reader.TokenType == JsonTokenType.String)
            {
                size = ImageDimensions.FromDataUrl(text.Read(ref reader));
            }
            else if (isDetail && reader.TokenType == JsonTokenType.String)
            {
                low = reader.ValueTextEquals("low"u8);
            }
            else
            {
                reader.Skip();
            }
        }

        return state.Images.Tokens(size, low);
    }

    /// <summary>One tool call ({"id", "function": {"name", "arguments"}}) or a legacy function_call ({"name", "arguments"}).</summary>
    private static int ReadCall(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state, bool isLegacy)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        string? id = null, name = null;
        var argumentTokens = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!isLegacy && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? System.Text.Encoding.UTF8.GetString(text.Read(ref reader)) : null;
            }
            else if (!isLegacy && reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadFunction(ref reader, ref text, state, ref name, ref argumentTokens);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (isLegacy)
            {
                ReadFunctionField(ref reader, ref text, state, ref name, ref argumentTokens);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        name ??= "";
        if (id is not null)
        {
            state.RememberCall(id, name);
        }

        return ChatPromptCounter.TokensPerMessage + state.Count($"assistant to=functions.{name}") + argumentTokens;
    }

    private static void ReadFunction(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state, ref string? name, ref int argumentTokens)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadFunctionField(ref reader, ref text, state, ref name, ref argumentTokens);
        }
    }

    /// <summary>"name" or "arguments" of a call, the reader on the property name; anything else is skipped.</summary>
    private static void ReadFunctionField(ref Utf8JsonReader reader, ref JsonText text, ChatPromptCounter.State state, ref string? name, ref int argumentTokens)
    {
        var isName = reader.ValueTextEquals("name"u8);
        var isArguments = reader.ValueTextEquals("arguments"u8);
        reader.Read();
        if (isName && reader.TokenType == JsonTokenType.String)
        {
            name = System.Text.Encoding.UTF8.GetString(text.Read(ref reader));
        }
        else if (isArguments && reader.TokenType == JsonTokenType.String)
        {
            argumentTokens = state.Count(text.Read(ref reader));
        }
        else
        {
            reader.Skip();
        }
    }

    private static int Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return 0;
    }
}
