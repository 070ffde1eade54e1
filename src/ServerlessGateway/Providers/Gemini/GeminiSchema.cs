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
internal static class GeminiSchema
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

    /// <summary>
    /// The schema's own fields over those it takes in whole: the target of its $ref, its only allOf
    /// member, and its only non-null anyOf/oneOf branch.
    /// </summary>
    private static OrderedDictionary<string, JsonElement> Flatten(JsonElement schema, JsonElement root, string param, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Untranslatable.Unsupported("the schema nests too deeply or refers to itself ($ref cycles), which Gemini's schemas cannot express.", param);
        }

        var fields = new OrderedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (schema.TryGetProperty("$ref", out var reference))
        {
            Merge(fields, Flatten(Resolve(reference, root, param), root, param, depth + 1));
        }

        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            if (allOf.GetArrayLength() != 1)
            {
                throw Untranslatable.Unsupported("allOf with several schemas has no equivalent in Gemini's schemas.", param);
            }

            Merge(fields, Flatten(allOf[0], root, param, depth + 1));
        }

        var only = OnlyNonNullBranch(schema);
        if (only is { } branch)
        {
            Merge(fields, Flatten(branch, root, param, depth + 1));
            fields["nullable"] = NullableTrue;
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (property.Name is not ("$ref" or "allOf") && !(only is not null && property.Name is "anyOf" or "oneOf"))
            {
                fields[property.Name] = property.Value;
            }
        }

        return fields;
    }

    private static void Merge(OrderedDictionary<string, JsonElement> into, OrderedDictionary<string, JsonElement> from)
    {
        foreach (var (name, value) in from)
        {
            into[name] = value;
        }
    }

    private static JsonElement Resolve(JsonElement reference, JsonElement root, string param)
    {
        var path = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
        foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal)
                && root.TryGetProperty(prefix[2..^1], out var definitions) && definitions.ValueKind == JsonValueKind.Object
                && definitions.TryGetProperty(path[prefix.Length..], out var target))
            {
                return target;
            }
        }

        throw Untranslatable.Unsupported($"the schema's $ref '{path}' does not point into its own $defs or definitions, the only references that can be inlined for Gemini.", param);
    }

    /// <summary>anyOf/oneOf of exactly one schema besides {"type":"null"}: that schema, nullable.</summary>
    private static JsonElement? OnlyNonNullBranch(JsonElement schema)
    {
        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
            {
                var others = branches.EnumerateArray().Where(b => !IsNullType(b)).ToList();
                if (others.Count == 1 && others.Count < branches.GetArrayLength())
                {
                    return others[0];
                }
            }
        }

        return null;
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
