using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// OpenAI "messages" as Anthropic's "system" and "messages": system and developer messages become
/// the system blocks (Anthropic has one system prompt, so their position in the conversation is
/// lost); user, assistant and tool messages become alternating turns of content blocks; tool results
/// are tool_result blocks in the user turn. Empty text is left out (Anthropic refuses empty text
/// blocks). The body has passed ChatRequestParser: roles are known and content has the right type.
/// </summary>
internal static class AnthropicMessagesWriter
{
    public static void WriteSystem(Utf8JsonWriter writer, JsonElement messages)
    {
        ContentBlockWriter? blocks = null;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (Role(message) is "system" or "developer")
            {
                if (blocks is null)
                {
                    writer.WriteStartArray("system");
                    blocks = new ContentBlockWriter(writer, inTurns: false);
                }

                WriteTextContent(blocks, null, message.GetProperty("content"), $"messages[{index}].content");
                blocks.EndMessage(message);
            }

            index++;
        }

        if (blocks is not null)
        {
            blocks.Finish();
            writer.WriteEndArray();
        }
    }

    public static void WriteMessages(Utf8JsonWriter writer, JsonElement messages)
    {
        writer.WriteStartArray("messages");
        var blocks = new ContentBlockWriter(writer, inTurns: true);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages[{index}]";
            switch (Role(message))
            {
                case "user":
                    WriteUserContent(blocks, message.GetProperty("content"), path + ".content");
                    break;
                case "assistant":
                    WriteAssistant(blocks, message, path);
                    break;
                case "tool":
                    WriteToolResult(blocks, message, path);
                    break;
                case "function":
                    throw AnthropicRequestException.Unsupported(path + ".role", "The deprecated 'function' role cannot be translated: use tools and 'tool' messages.");
            }

            blocks.EndMessage(message);
            index++;
        }

        blocks.Finish();
        writer.WriteEndArray();
    }

    /// <summary>Whether the conversation ends by answering the tool calls of its last assistant message.</summary>
    public static bool ContinuesToolUse(JsonElement messages)
    {
        var continues = false;
        foreach (var message in messages.EnumerateArray())
        {
            if (Role(message) == "assistant")
            {
                continues = message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;
            }
        }

        return continues;
    }

    private static string? Role(JsonElement message) => message.GetProperty("role").GetString();

    private static void WriteUserContent(ContentBlockWriter blocks, JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteText(blocks, "user", content.GetString()!, null);
            return;
        }

        var part = 0;
        foreach (var item in content.EnumerateArray())
        {
            var partPath = $"{path}[{part++}]";
            switch (item.GetProperty("type").GetString())
            {
                case "text":
                    WriteText(blocks, "user", AnthropicContentParts.TextOf(item, partPath), item);
                    break;
                case "image_url":
                    blocks.Start("image", "user");
                    AnthropicContentParts.WriteImageSource(blocks.Json, item, partPath);
                    blocks.CacheControlFrom(item);
                    break;
                case "file":
                    blocks.Start("document", "user");
                    AnthropicContentParts.WriteDocumentSource(blocks.Json, item, partPath);
                    blocks.CacheControlFrom(item);
                    break;
                case var other:
                    throw AnthropicRequestException.Unsupported(partPath + ".type", $"Content parts of type '{other}' cannot be sent to Anthropic.");
            }
        }
    }

    /// <summary>System content: text only (Anthropic's system prompt takes no images).</summary>
    private static void WriteTextContent(ContentBlockWriter blocks, string? role, JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteText(blocks, role, content.GetString()!, null);
            return;
        }

        var part = 0;
        foreach (var item in content.EnumerateArray())
        {
            var partPath = $"{path}[{part++}]";
            if (item.GetProperty("type").GetString() != "text")
            {
                throw AnthropicRequestException.Unsupported(partPath + ".type", "System and developer messages can hold only text for Anthropic.");
            }

            WriteText(blocks, role, AnthropicContentParts.TextOf(item, partPath), item);
        }
    }

    private static void WriteAssistant(ContentBlockWriter blocks, JsonElement message, string path)
    {
        if (message.TryGetProperty("function_call", out var legacy) && legacy.ValueKind != JsonValueKind.Null)
        {
            throw AnthropicRequestException.Unsupported(path + ".function_call", "The deprecated function_call cannot be translated: use tool_calls.");
        }

        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            WriteText(blocks, "assistant", content.GetString()!, null);
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            var part = 0;
            foreach (var item in content.EnumerateArray())
            {
                var partPath = $"{path}.content[{part++}]";
                var text = item.GetProperty("type").GetString() switch
                {
                    "text" => AnthropicContentParts.TextOf(item, partPath),
                    "refusal" => item.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String ? refusal.GetString()! : "",
                    var other => throw AnthropicRequestException.Unsupported(partPath + ".type", $"Assistant content parts of type '{other}' cannot be sent to Anthropic."),
                };
                WriteText(blocks, "assistant", text, item);
            }
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callPath = $"{path}.tool_calls[{index++}]";
            var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f
                : throw AnthropicRequestException.Invalid(callPath + ".function", "A tool call needs a function with a name and arguments.");
            blocks.Start("tool_use", "assistant");
            blocks.Json.WriteString("id", AnthropicContentParts.RequiredString(call, "id", callPath + ".id"));
            blocks.Json.WriteString("name", AnthropicContentParts.RequiredString(function, "name", callPath + ".function.name"));
            blocks.Json.WritePropertyName("input");
            AnthropicContentParts.WriteArguments(blocks.Json, function, callPath + ".function.arguments");
        }
    }

    private static void WriteToolResult(ContentBlockWriter blocks, JsonElement message, string path)
    {
        var id = AnthropicContentParts.RequiredString(message, "tool_call_id", path + ".tool_call_id");
        blocks.Start("tool_result", "user");
        var writer = blocks.Json;
        writer.WriteString("tool_use_id", id);
        var content = message.GetProperty("content");
        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("content", content.GetString());
            return;
        }

        // Inside a tool_result the blocks are written whole: only the tool_result itself takes a message's cache_control.
        writer.WriteStartArray("content");
        var part = 0;
        foreach (var item in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{part++}]";
            var type = item.GetProperty("type").GetString();
            if (type == "text")
            {
                var text = AnthropicContentParts.TextOf(item, partPath);
                if (text.Length == 0)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text);
            }
            else if (type == "image_url")
            {
                writer.WriteStartObject();
                writer.WriteString("type", "image");
                AnthropicContentParts.WriteImageSource(writer, item, partPath);
            }
            else
            {
                throw AnthropicRequestException.Unsupported(partPath + ".type", $"Tool results with content parts of type '{type}' cannot be sent to Anthropic.");
            }

            if (item.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName("cache_control");
                cacheControl.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteText(ContentBlockWriter blocks, string? role, string text, JsonElement? part)
    {
        if (text.Length == 0)
        {
            return;
        }

        blocks.Start("text", role);
        blocks.Json.WriteString("text", text);
        if (part is { } source)
        {
            blocks.CacheControlFrom(source);
        }
    }
}
