using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// Renders function (tool) definitions the way OpenAI's chat models are shown them: a TypeScript-like namespace
/// in the system message. OpenAI does not publish the format; this is the community's reverse-engineered one
/// (hmarr/openai-chat-tokens, which matched the API for the functions parameter), and its counts plus a fixed
/// header (<see cref="ChatPromptCounter"/>) meet the recorded usage of gpt-4o requests with tools exactly.
/// <code>
/// namespace functions {
///
/// // Get the weather
/// type get_weather = (_: {
/// // The city
/// city: string,
/// units?: "c" | "f",
/// }) => any;
///
/// } // namespace functions
/// </code>
/// </summary>
internal static class FunctionDefinitions
{
    /// <summary>One function: its name, description and JSON-schema parameters (any may be missing).</summary>
    public readonly record struct Function(string Name, string? Description, JsonElement? Parameters);

    public const string NamespaceStart = "namespace functions {\n\n";
    public const string NamespaceEnd = "} // namespace functions";

    public static string Render(IReadOnlyList<Function> functions)
    {
        var text = new StringBuilder(NamespaceStart);
        foreach (var function in functions)
        {
            Append(text, function);
        }

        return text.Append(NamespaceEnd).ToString();
    }

    /// <summary>One function's lines (and the blank line after it), inside the namespace.</summary>
    public static void Append(StringBuilder text, Function function)
    {
        if (!string.IsNullOrEmpty(function.Description))
        {
            text.Append("// ").Append(function.Description).Append('\n');
        }

        if (function.Parameters is { ValueKind: JsonValueKind.Object } parameters && HasProperties(parameters))
        {
            text.Append("type ").Append(function.Name).Append(" = (_: {\n");
            AppendProperties(text, parameters, 0);
            text.Append("}) => any;\n\n");
        }
        else
        {
            text.Append("type ").Append(function.Name).Append(" = () => any;\n\n");
        }
    }

    private static bool HasProperties(JsonElement schema) =>
        schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any();

    private static void AppendProperties(StringBuilder text, JsonElement schema, int indent)
    {
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            if (indent < 2 && Description(property.Value) is { Length: > 0 } description)
            {
                text.Append(' ', indent).Append("// ").Append(description).Append('\n');
            }

            text.Append(' ', indent).Append(property.Name).Append(required.Contains(property.Name) ? ": " : "?: ");
            AppendType(text, property.Value, indent);
            text.Append(",\n");
        }
    }

    private static void AppendType(StringBuilder text, JsonElement schema, int indent)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            text.Append("any");
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            text.AppendJoin(" | ", values.EnumerateArray().Select(v => v.GetRawText()));
            return;
        }

        foreach (var union in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(union, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                var first = true;
                foreach (var option in options.EnumerateArray())
                {
                    text.Append(first ? "" : " | ");
                    AppendType(text, option, indent);
                    first = false;
                }

                return;
            }
        }

        var type = schema.TryGetProperty("type", out var t) ? t : default;
        if (type.ValueKind == JsonValueKind.Array)
        {
            text.AppendJoin(" | ", type.EnumerateArray().Select(v => TypeName(v.GetString())));
            return;
        }

        switch (type.ValueKind == JsonValueKind.String ? type.GetString() : null)
        {
            case "object":
                text.Append("{\n");
                AppendProperties(text, schema, indent + 2);
                text.Append(' ', indent).Append('}');
                break;
            case "array":
                if (schema.TryGetProperty("items", out var items))
                {
                    AppendType(text, items, indent);
                    text.Append("[]");
                }
                else
                {
                    text.Append("any[]");
                }

                break;
            case var other:
                text.Append(TypeName(other));
                break;
        }
    }

    private static string TypeName(string? type) => type switch
    {
        "integer" or "number" => "number",
        "string" or "boolean" or "null" => type,
        "object" => "object",
        "array" => "any[]",
        _ => "any",
    };

    private static string? Description(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
}
