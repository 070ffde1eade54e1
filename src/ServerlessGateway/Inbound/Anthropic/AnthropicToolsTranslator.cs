using System.Text.Json;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Anthropic tools as OpenAI function tools (input_schema becomes parameters), and tool_choice: auto,
/// any (OpenAI's "required"), tool (a named function), none; disable_parallel_tool_use becomes
/// parallel_tool_calls: false. Tools Anthropic runs itself (web search, code execution, computer use)
/// have no OpenAI counterpart and are refused rather than silently dropped.
/// </summary>
internal static class AnthropicToolsTranslator
{
    public static void Write(JsonElement root, Utf8JsonWriter writer)
    {
        var count = 0;
        if (Optional(root, "tools") is { } tools)
        {
            count = Array(tools, "tools").GetArrayLength();
            if (count > 0)
            {
                WriteTools(tools, writer);
            }
        }

        if (Optional(root, "tool_choice") is not { } choice)
        {
            return;
        }

        var type = RequiredString(Object(choice, "tool_choice"), "type", "tool_choice.type");
        var serial = OptionalBool(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use") == true;
        var name = type switch
        {
            "tool" => RequiredString(choice, "name", "tool_choice.name"),
            "auto" or "any" or "none" => null,
            _ => throw Invalid("tool_choice.type", "Input tag should be 'auto', 'any', 'tool' or 'none'"),
        };

        // OpenAI refuses tool_choice and parallel_tool_calls without tools; without tools there is nothing to choose.
        if (count == 0)
        {
            return;
        }

        if (name is null)
        {
            writer.WriteString("tool_choice", type switch { "any" => "required", _ => type });
        }
        else
        {
            writer.WriteStartObject("tool_choice");
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", name);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (serial && type != "none")
        {
            writer.WriteBoolean("parallel_tool_calls", false);
        }
    }

    private static void WriteTools(JsonElement tools, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("tools");
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = Path("tools", i++);
            Object(tool, path);
            if (OptionalString(tool, "type", Path(path, "type")) is { } type && type != "custom")
            {
                throw Invalid(Path(path, "type"), $"'{type}' is a tool Anthropic runs itself; it cannot be offered to a model served through an OpenAI-format deployment");
            }

            var name = RequiredString(tool, "name", Path(path, "name"));
            var schema = Object(Required(tool, "input_schema", Path(path, "input_schema")), Path(path, "input_schema"));
            writer.WriteStartObject();
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", name);
            if (OptionalString(tool, "description", Path(path, "description")) is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.WritePropertyName("parameters");
            schema.WriteTo(writer);
            if (OptionalBool(tool, "strict", Path(path, "strict")) is { } strict)
            {
                writer.WriteBoolean("strict", strict);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
