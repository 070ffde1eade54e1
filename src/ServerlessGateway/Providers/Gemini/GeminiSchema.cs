using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// JSON Schema (OpenAI's function parameters and response_format schemas) as Gemini's Schema, the
/// OpenAPI 3.0 subset that functionDeclarations.parameters and generationConfig.responseSchema take.
/// <list type="bullet">
/// <item>$ref to #/$defs or #/definitions is inlined (Gemini's schemas cannot refer); a recursive schema is refused.</item>
/// <item>type ["x","null"], anyOf/oneOf with a {"type":"null"} branch → type x with nullable; several
/// other branches stay anyOf (oneOf is read as anyOf); an allOf of one schema is merged, of several refused.</item>
/// <item>const of a string → a one-value enum; enums of non-strings are dropped (Gemini's enums are strings).</item>
/// <item>format is kept only where Gemini knows it (date-time and enum for strings, int32/int64, float/double).</item>
/// <item>Kept: type (upper-cased, as Gemini's enum names it), nullable, title, description, properties,
/// required, items, enum, anyOf, min/maxItems, min/maxProperties, min/maxLength, pattern, minimum,
/// maximum, propertyOrdering, example, default. Everything else (additionalProperties, strict,
/// patternProperties, not, if/then/else, exclusive bounds, multipleOf, uniqueItems) is dropped: the model
/// is then not held to it.</item>
/// </list>
/// An object schema without properties (a free-form map) is sent as such; Gemini may refuse it.
/// </summary>
internal static partial class GeminiSchema
{
    private const int MaxDepth = 32;

    private static readonly JsonElement NullableTrue = JsonElement.Parse("true");

    private static readonly string[] Copied =
    [
        "title", "description", "minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength",
        "pattern", "minimum", "maximum", "propertyOrdering", "example", "default",
    ];

    public static void Write(Utf8JsonWriter writer, JsonElement schema, string param) => WriteSchema(writer, schema, schema, param, 0);

    /// <summary>A function's parameters that say nothing (no properties) are left out: Gemini refuses an empty OBJECT there.</summary>
    public static bool IsEmptyObject(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object || !properties.EnumerateObject().Any())
        && !schema.TryGetProperty("$ref", out _) && !schema.TryGetProperty("anyOf", out _) && !schema.TryGetProperty("oneOf", out _) && !schema.TryGetProperty("allOf", out _);

    private static void WriteSchema(Utf8JsonWriter writer, JsonElement schema, JsonElement root, string param, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Untranslatable.Unsupported("the schema nests too deeply or refers to itself ($ref cycles), which Gemini's schemas cannot express.", param);
        }

        writer.WriteStartObject();
        if (schema.ValueKind == JsonValueKind.Object)
        {
            WriteFields(writer, Flatten(schema, root, param, depth), root, param, depth);
        }

        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, OrderedDictionary<string, JsonElement> fields, JsonElement root, string param, int depth)
    {
        var nullable = fields.TryGetValue("nullable", out var declared) && declared.ValueKind == JsonValueKind.True;
        var types = Types(fields, ref nullable);
        var branches = Branches(fields, ref nullable);
        string? type = types.Count == 1 ? types[0] : null;
        if (type is null && types.Count == 0 && StringEnum(fields) is not null)
        {
            type = "STRING";
        }

        if (type is not null)
        {
            writer.WriteString("type", type);
        }

        if (nullable)
        {
            writer.WriteBoolean("nullable", true);
        }

        if (fields.TryGetValue("format", out var format) && format.ValueKind == JsonValueKind.String && IsKnownFormat(type, format.GetString()!))
        {
            writer.WriteString("format", format.GetString());
        }

        foreach (var name in Copied)
        {
            if (fields.TryGetValue(name, out var value))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        if (StringEnum(fields) is { } values)
        {
            writer.WriteStartArray("enum");
            values.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
        }

        if (fields.TryGetValue("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            writer.WriteStartObject("properties");
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                WriteSchema(writer, property.Value, root, param, depth + 1);
            }

            writer.WriteEndObject();
        }

        if (fields.TryGetValue("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            writer.WritePropertyName("required");
            required.WriteTo(writer);
        }

        if (fields.TryGetValue("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                throw Untranslatable.Unsupported("tuple schemas (items as an array) have no equivalent in Gemini's schemas.", param);
            }

            writer.WritePropertyName("items");
            WriteSchema(writer, items, root, param, depth + 1);
        }

        // Several types (["string","number"]) or several anyOf/oneOf branches: Gemini's anyOf.
        if (types.Count > 1 || branches.Count > 0)
        {
            writer.WriteStartArray("anyOf");
            if (types.Count > 1)
            {
                foreach (var alternative in types)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", alternative);
                    writer.WriteEndObject();
                }
            }

            foreach (var branch in branches)
            {
                WriteSchema(writer, branch, root, param, depth + 1);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>The upper-cased non-null types; "null" among them (or alone) makes the schema nullable.</summary>
    private static List<string> Types(OrderedDictionary<string, JsonElement> fields, ref bool nullable)
    {
        var types = new List<string>();
        if (!fields.TryGetValue("type", out var type))
        {
            return types;
        }

        foreach (var name in type.ValueKind == JsonValueKind.Array ? (IEnumerable<JsonElement>)type.EnumerateArray() : [type])
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var value = name.GetString()!.ToUpperInvariant();
            if (value == "NULL")
            {
                nullable = true;
            }
            else
            {
                types.Add(value);
            }
        }

        return types;
    }

    /// <summary>anyOf/oneOf branches that stay alternatives (null branches make the schema nullable instead).</summary>
    private static List<JsonElement> Branches(OrderedDictionary<string, JsonElement> fields, ref bool nullable)
    {
        var branches = new List<JsonElement>();
        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (fields.TryGetValue(keyword, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var branch in list.EnumerateArray())
                {
                    if (IsNullType(branch))
                    {
                        nullable = true;
                    }
                    else
                    {
                        branches.Add(branch);
                    }
                }
            }
        }

        return branches;
    }

    private static bool IsNullType(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String && type.ValueEquals("null"u8);

    /// <summary>enum (or const) when every value is a string; null otherwise.</summary>
    private static List<string>? StringEnum(OrderedDictionary<string, JsonElement> fields)
    {
        if (fields.TryGetValue("enum", out var values) && values.ValueKind == JsonValueKind.Array
            && values.GetArrayLength() > 0 && values.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
        {
            return [.. values.EnumerateArray().Select(v => v.GetString()!)];
        }

        return fields.TryGetValue("const", out var constant) && constant.ValueKind == JsonValueKind.String ? [constant.GetString()!] : null;
    }

    private static bool IsKnownFormat(string? type, string format) => (type, format) switch
    {
        ("STRING", "date-time" or "enum") => true,
        ("INTEGER", "int32" or "int64") => true,
        ("NUMBER", "float" or "double") => true,
        _ => false,
    };
}
