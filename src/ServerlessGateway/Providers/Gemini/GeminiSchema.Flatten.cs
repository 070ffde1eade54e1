using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>The schema keywords that take another schema in whole: $ref, a lone allOf member, a lone non-null anyOf/oneOf branch.</summary>
internal static partial class GeminiSchema
{
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
}
