using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// OpenAI's tools and tool_choice as Gemini's tools[].functionDeclarations and toolConfig.functionCallingConfig:
/// "auto" → AUTO, "none" → NONE, "required" → ANY, a named function → ANY limited to it
/// (allowedFunctionNames), allowed_tools → ANY limited to them ("required") or AUTO over only those
/// declarations ("auto": Gemini takes allowedFunctionNames with ANY alone).
/// </summary>
internal static class GeminiTools
{
    /// <summary>Writes toolConfig; returns the functions to declare when tool_choice narrows them without forcing a call.</summary>
    public static HashSet<string>? WriteToolConfig(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null || !HasTools(root))
        {
            return null;
        }

        string mode;
        List<string>? allowed = null;
        HashSet<string>? declared = null;
        switch (choice.ValueKind, choice.ValueKind == JsonValueKind.String ? choice.GetString() : TypeOf(choice))
        {
            case (JsonValueKind.String, "auto"):
                mode = "AUTO";
                break;
            case (JsonValueKind.String, "none"):
                mode = "NONE";
                break;
            case (JsonValueKind.String, "required"):
                mode = "ANY";
                break;
            case (JsonValueKind.Object, "function"):
                mode = "ANY";
                allowed = [FunctionName(choice, "tool_choice")];
                break;
            case (JsonValueKind.Object, "allowed_tools"):
                var spec = choice.TryGetProperty("allowed_tools", out var value) && value.ValueKind == JsonValueKind.Object ? value
                    : throw Untranslatable.Invalid("tool_choice of type allowed_tools needs allowed_tools.", "tool_choice.allowed_tools");
                var names = spec.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                    ? tools.EnumerateArray().Select((tool, i) => FunctionName(tool, $"tool_choice.allowed_tools.tools[{i}]")).ToList()
                    : throw Untranslatable.Invalid("allowed_tools needs a tools array.", "tool_choice.allowed_tools.tools");
                var required = spec.TryGetProperty("mode", out var requiredMode) && requiredMode.ValueKind == JsonValueKind.String && requiredMode.ValueEquals("required"u8);
                mode = required ? "ANY" : "AUTO";
                allowed = required ? names : null;
                declared = required ? null : [.. names];
                break;
            default:
                throw Untranslatable.Unsupported("tool_choice must be auto, none, required, a function or allowed_tools for Gemini.", "tool_choice");
        }

        writer.WriteStartObject("toolConfig");
        writer.WriteStartObject("functionCallingConfig");
        writer.WriteString("mode", mode);
        if (allowed is not null)
        {
            writer.WriteStartArray("allowedFunctionNames");
            allowed.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return declared;
    }

    /// <summary>tools → one Gemini tool holding every function declaration (parameters converted, see <see cref="GeminiSchema"/>).</summary>
    public static void WriteDeclarations(Utf8JsonWriter writer, JsonElement root, HashSet<string>? only)
    {
        if (!HasTools(root))
        {
            return;
        }

        writer.WriteStartArray("tools");
        writer.WriteStartObject();
        writer.WriteStartArray("functionDeclarations");
        var index = 0;
        foreach (var tool in root.GetProperty("tools").EnumerateArray())
        {
            var param = $"tools[{index++}]";
            if (TypeOf(tool) != "function" || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Untranslatable.Unsupported("only function tools have a Gemini equivalent.", param + ".type");
            }

            var name = function.TryGetProperty("name", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString()!
                : throw Untranslatable.Invalid("A function tool needs a name.", param + ".function.name");
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("name", name);
            if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                writer.WriteString("description", description.GetString());
            }

            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object && !GeminiSchema.IsEmptyObject(parameters))
            {
                writer.WritePropertyName("parameters");
                GeminiSchema.Write(writer, parameters, param + ".function.parameters");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static bool HasTools(JsonElement root) =>
        root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    /// <summary>{"type":"function","function":{"name":...}} (or {"type":"function","name":...}, the Responses-style shape).</summary>
    private static string FunctionName(JsonElement tool, string param)
    {
        if (tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            return name.GetString()!;
        }

        return tool.TryGetProperty("name", out var flat) && flat.ValueKind == JsonValueKind.String ? flat.GetString()!
            : throw Untranslatable.Invalid("A function tool choice needs function.name.", param + ".function.name");
    }
}
