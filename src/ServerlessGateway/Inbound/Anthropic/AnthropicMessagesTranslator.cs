using System.Text.Json;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Anthropic messages as OpenAI messages. A user turn's tool_result blocks become "tool" messages,
/// written first (OpenAI wants them right after the assistant's tool calls, Anthropic wants them first
/// in the turn), then the rest of the turn as one user message. An assistant turn's text joins into its
/// content and its tool_use blocks become tool_calls; thinking blocks are dropped, since no
/// OpenAI-format model can take them back. System messages stay system messages.
/// </summary>
internal static class AnthropicMessagesTranslator
{
    public static void Write(JsonElement messages, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = Path("messages", i++);
            Object(message, path);
            var role = RequiredString(message, "role", Path(path, "role"));
            var content = Required(message, "content", Path(path, "content"));
            if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                throw Invalid(Path(path, "content"), "Input should be a valid string or a list of content blocks");
            }

            switch (role)
            {
                case "user":
                    WriteUser(content, Path(path, "content"), writer, untranslatable);
                    break;
                case "assistant":
                    WriteAssistant(content, Path(path, "content"), writer, untranslatable);
                    break;
                case "system":
                    WriteSystem(content, Path(path, "content"), writer);
                    break;
                default:
                    throw Invalid(Path(path, "role"), "Input should be 'user', 'assistant' or 'system'");
            }
        }
    }

    private static void WriteUser(JsonElement content, string path, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteTextMessage(writer, "user", content.GetString()!);
            return;
        }

        if (content.GetArrayLength() == 0)
        {
            throw Invalid(path, "all messages must have non-empty content except for the optional final assistant message");
        }

        // Tool results first, as tool messages; images they returned ride along with the user message.
        var parts = new List<(JsonElement Block, string Path)>();
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(path, i++);
            if (Type(block, blockPath) == "tool_result")
            {
                WriteToolResult(block, blockPath, writer, parts, untranslatable);
            }
        }

        i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(path, i++);
            if (block.GetProperty("type").GetString() != "tool_result")
            {
                parts.Add((block, blockPath));
            }
        }

        if (parts.Count == 0)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role", "user");
        if (parts is [var only] && only.Block.GetProperty("type").GetString() == "text")
        {
            // One text block is plain string content: every OpenAI-compatible server takes that.
            writer.WriteString("content", RequiredString(only.Block, "text", Path(only.Path, "text")));
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var (block, blockPath) in parts)
            {
                AnthropicContentTranslator.WriteUserPart(block, blockPath, writer, untranslatable);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// A tool_result as a "tool" message. OpenAI tool messages carry text only: text blocks are joined, and
    /// images are moved to the user message that follows. OpenAI has no error flag; an is_error result is
    /// prefixed with "Error: " so the model still knows the call failed.
    /// </summary>
    private static void WriteToolResult(JsonElement block, string path, Utf8JsonWriter writer, List<(JsonElement, string)> carried, UntranslatableContent untranslatable)
    {
        var id = RequiredString(block, "tool_use_id", Path(path, "tool_use_id"));
        var text = new List<string>();
        if (Optional(block, "content") is { } content)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Add(content.GetString()!);
            }
            else
            {
                var i = 0;
                foreach (var part in Array(content, Path(path, "content")).EnumerateArray())
                {
                    var partPath = Path(Path(path, "content"), i++);
                    switch (Type(part, partPath))
                    {
                        case "text":
                            text.Add(RequiredString(part, "text", Path(partPath, "text")));
                            break;
                        case "image":
                            carried.Add((part, partPath));
                            break;
                        default:
                            untranslatable.Block(Path(partPath, "type"), part.GetProperty("type").GetString()!);
                            break;
                    }
                }
            }
        }

        var joined = string.Join("\n\n", text);
        if (OptionalBool(block, "is_error", Path(path, "is_error")) == true)
        {
            joined = joined.Length == 0 ? "Error" : "Error: " + joined;
        }

        writer.WriteStartObject();
        writer.WriteString("role", "tool");
        writer.WriteString("tool_call_id", id);
        writer.WriteString("content", joined);
        writer.WriteEndObject();
    }

    private static void WriteAssistant(JsonElement content, string path, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteTextMessage(writer, "assistant", content.GetString()!);
            return;
        }

        var text = new List<string>();
        var calls = new List<(string Id, string Name, JsonElement Input)>();
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(path, i++);
            switch (Type(block, blockPath))
            {
                case "text":
                    text.Add(RequiredString(block, "text", Path(blockPath, "text")));
                    break;
                case "tool_use":
                    var input = Object(Required(block, "input", Path(blockPath, "input")), Path(blockPath, "input"));
                    calls.Add((RequiredString(block, "id", Path(blockPath, "id")), RequiredString(block, "name", Path(blockPath, "name")), input));
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                case var other:
                    untranslatable.Block(Path(blockPath, "type"), other);
                    text.Add($"[{other}]"); // the stand-in keeps the turn, as the caller wrote it, in the history
                    break;
            }
        }

        if (text.Count == 0 && calls.Count == 0)
        {
            return; // only thinking: nothing an OpenAI-format model can be given
        }

        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        if (text.Count > 0)
        {
            writer.WriteString("content", string.Join("\n\n", text));
        }
        else
        {
            writer.WriteNull("content");
        }

        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var (id, name, input) in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", name);
                writer.WriteString("arguments", input.GetRawText());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Instructions (the top-level "system", or a system message): a string or text blocks, joined as one
    /// system message. cache_control has no OpenAI counterpart and is dropped.
    /// </summary>
    public static void WriteSystem(JsonElement content, string path, Utf8JsonWriter writer)
    {
        string text;
        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString()!;
        }
        else
        {
            var blocks = new List<string>();
            var i = 0;
            foreach (var block in Array(content, path).EnumerateArray())
            {
                var blockPath = Path(path, i++);
                if (Type(block, blockPath) != "text")
                {
                    throw Invalid(Path(blockPath, "type"), "Input tag should be 'text'");
                }

                blocks.Add(RequiredString(block, "text", Path(blockPath, "text")));
            }

            text = string.Join("\n\n", blocks);
        }

        if (text.Length > 0)
        {
            WriteTextMessage(writer, "system", text);
        }
    }

    private static void WriteTextMessage(Utf8JsonWriter writer, string role, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }
}
