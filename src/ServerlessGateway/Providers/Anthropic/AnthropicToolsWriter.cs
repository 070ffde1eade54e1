using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// OpenAI "tools", "tool_choice", "parallel_tool_calls" and "response_format" as Anthropic's "tools"
/// and "tool_choice": auto → auto, none → none, required → any, a named function → tool; with
/// parallel_tool_calls false, disable_parallel_tool_use. A JSON answer adds the answer tool (see
/// <see cref="AnthropicJsonAnswer"/>) and makes the model call a tool: that one when the caller's
/// tools may not be used, any of them (the answer tool included) when they may.
/// </summary>
internal static class AnthropicToolsWriter
{
    /// <summary>Writes the tools and tool choice; returns whether the model is made to call a tool.</summary>
    public static bool Write(Utf8JsonWriter writer, JsonElement root, AnthropicJsonAnswer.Kind answer)
    {
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        if (!hasTools && answer == AnthropicJsonAnswer.Kind.None)
        {
            return false; // a tool_choice without tools means nothing (Anthropic would refuse it)
        }

        writer.WriteStartArray("tools");
        if (hasTools)
        {
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                WriteTool(writer, tool, $"tools[{index++}]", answer);
            }
        }

        if (answer != AnthropicJsonAnswer.Kind.None)
        {
            WriteAnswerTool(writer, root, answer);
        }

        writer.WriteEndArray();
        return WriteToolChoice(writer, root, hasTools, answer);
    }

    private static void WriteTool(Utf8JsonWriter writer, JsonElement tool, string path, AnthropicJsonAnswer.Kind answer)
    {
        var type = tool.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "function";
        if (type != "function")
        {
            throw AnthropicRequestException.Unsupported(path + ".type", $"Tools of type '{type}' cannot be sent to Anthropic; only function tools can.");
        }

        var function = tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f
            : throw AnthropicRequestException.Invalid(path + ".function", "A function tool needs a 'function' object.");
        var name = AnthropicContentParts.RequiredString(function, "name", path + ".function.name");
        if (answer != AnthropicJsonAnswer.Kind.None && name == AnthropicJsonAnswer.ToolName)
        {
            throw AnthropicRequestException.Invalid(path + ".function.name", $"The tool name '{name}' is reserved by the gateway for response_format on Anthropic models.");
        }

        writer.WriteStartObject();
        writer.WriteString("name", name);
        if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("description", description.GetString());
        }

        writer.WritePropertyName("input_schema");
        if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            parameters.WriteTo(writer);
        }
        else
        {
            // OpenAI allows a function without parameters; Anthropic needs an object schema.
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (tool.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind != JsonValueKind.Null)
        {
            writer.WritePropertyName("cache_control");
            cacheControl.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteAnswerTool(Utf8JsonWriter writer, JsonElement root, AnthropicJsonAnswer.Kind answer)
    {
        var description = "Give your final answer by calling this tool: its input is the answer, in the required JSON format.";
        JsonElement? schema = null;
        if (answer is AnthropicJsonAnswer.Kind.JsonSchema or AnthropicJsonAnswer.Kind.WrappedJsonSchema)
        {
            var format = root.GetProperty("response_format");
            var jsonSchema = format.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object ? js
                : throw AnthropicRequestException.Invalid("response_format.json_schema", "response_format of type json_schema needs a json_schema object.");
            if (jsonSchema.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                description += $" Answer format: {name.GetString()}.";
            }

            if (jsonSchema.TryGetProperty("description", out var about) && about.ValueKind == JsonValueKind.String)
            {
                description += " " + about.GetString();
            }

            schema = jsonSchema.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.Object ? s : null;
        }

        if (answer == AnthropicJsonAnswer.Kind.WrappedJsonSchema)
        {
            description += $" Put the answer in '{AnthropicJsonAnswer.WrappedProperty}'.";
        }

        writer.WriteStartObject();
        writer.WriteString("name", AnthropicJsonAnswer.ToolName);
        writer.WriteString("description", description);
        writer.WritePropertyName("input_schema");
        if (answer == AnthropicJsonAnswer.Kind.WrappedJsonSchema)
        {
            WriteWrapped(writer, schema);
        }
        else if (schema is { } given)
        {
            given.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// {"type":"object","properties":{"value": schema},"required":["value"]}. The schema's $defs (and
    /// older definitions) move up to the new root, where its "#/$defs/…" references point.
    /// </summary>
    private static void WriteWrapped(Utf8JsonWriter writer, JsonElement? schema)
    {
        var properties = schema?.EnumerateObject().ToList() ?? [];
        writer.WriteStartObject();
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject(AnthropicJsonAnswer.WrappedProperty);
        foreach (var property in properties)
        {
            if (property.Name is not ("$defs" or "definitions"))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("required");
        writer.WriteStringValue(AnthropicJsonAnswer.WrappedProperty);
        writer.WriteEndArray();
        foreach (var property in properties)
        {
            if (property.Name is "$defs" or "definitions")
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static bool WriteToolChoice(Utf8JsonWriter writer, JsonElement root, bool hasTools, AnthropicJsonAnswer.Kind answer)
    {
        var choice = root.TryGetProperty("tool_choice", out var c) ? c : default;
        string? mode = null, named = null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            mode = choice.GetString();
        }
        else if (choice.ValueKind == JsonValueKind.Object)
        {
            named = choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                ? AnthropicContentParts.RequiredString(function, "name", "tool_choice.function.name")
                : throw AnthropicRequestException.Unsupported("tool_choice", "Only a named function can be forced.");
        }

        if (mode is not (null or "auto" or "none" or "required"))
        {
            throw AnthropicRequestException.Invalid("tool_choice", $"tool_choice '{mode}' is not one of none, auto, required.");
        }

        if (!hasTools && answer == AnthropicJsonAnswer.Kind.None)
        {
            return false;
        }

        var (type, name) = (named, mode, answer) switch
        {
            ({ } function, _, _) => ("tool", function),
            (null, "required", _) => ("any", null),
            (null, "none", AnthropicJsonAnswer.Kind.None) => ("none", null),
            (null, _, AnthropicJsonAnswer.Kind.None) => ("auto", null),

            // A JSON answer is due: through any tool when the caller's tools may be used, else through the answer tool.
            (null, not "none", _) when hasTools => ("any", null),
            _ => ("tool", AnthropicJsonAnswer.ToolName),
        };

        var serial = root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind == JsonValueKind.False;
        if (type == "auto" && mode is null && !serial)
        {
            return false; // Anthropic's default: say nothing
        }

        writer.WriteStartObject("tool_choice");
        writer.WriteString("type", type);
        if (name is not null)
        {
            writer.WriteString("name", name);
        }

        if (serial && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use", true);
        }

        writer.WriteEndObject();
        return type is "any" or "tool";
    }
}
