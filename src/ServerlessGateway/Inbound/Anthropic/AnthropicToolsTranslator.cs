using System.Text.Json;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Anthropic tools as OpenAI function tools (input_schema becomes parameters), and tool_choice: auto,
/// any (OpenAI's "required"), tool (a named function), none; disable_parallel_tool_use becomes
/// parallel_tool_calls: false. Tools Anthropic runs itself (web search, code execution, computer use)
/// have no OpenAI counterpart: they are noted as <see cref="UntranslatableContent"/>, never silently dropped.
/// </summary>
internal static class AnthropicToolsTranslator
{
    public static void Write(JsonElement root, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        var count = 0;
        if (Optional(root, "tools") is { } tools)
        {
            count = Array(tools, "tools").GetArrayLength();
            if (count > 0)
            {
                WriteTools(tools, writer, untranslatable);
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

    private static void WriteTools(JsonElement tools, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        writer.WriteStartArray("tools");
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = Path("tools", i++);
            Object(tool, path);
            if (OptionalString(tool, "type", Path(path, "type")) is { } type && type != "custom")
            {
                // A stand-in function keeps the tool's name, so a tool_choice naming it still reads.
                untranslatable.ServerTool(Path(path, "type"), type);
                WriteFunction(writer, OptionalString(tool, "name", Path(path, "name")) ?? type, null, null, null);
                continue;
            }

            var name = RequiredString(tool, "name", Path(path, "name"));
            var schema = Object(Required(tool, "input_schema", Path(path, "input_schema")), Path(path, "input_schema"));
            WriteFunction(writer, name, OptionalString(tool, "description", Path(path, "description")), schema, OptionalBool(tool, "strict", Path(path, "strict")));
        }

        writer.WriteEndArray();
    }

    private static void WriteFunction(Utf8JsonWriter writer, string name, string? description, JsonElement? parameters, bool? strict)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", name);
        if (description is not null)
        {
            writer.WriteString("description", description);
        }

        writer.WritePropertyName("parameters");
        if (parameters is { } schema)
        {
            schema.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteEndObject();
        }

        if (strict is { } isStrict)
        {
            writer.WriteBoolean("strict", isStrict);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
