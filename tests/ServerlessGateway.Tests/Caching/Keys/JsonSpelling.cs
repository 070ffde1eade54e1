using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Caching.Keys;

/// <summary>
/// Test-side JSON tools: writing one tree in other spellings that mean the same thing, and walking a tree's leaves
/// and members by path to change or remove exactly one of them.
/// </summary>
internal static class JsonSpelling
{
    public sealed record Style(bool ReverseProperties = false, bool EscapeStrings = false, bool RewriteNumbers = false, bool Spaced = false);

    public static string Write(JsonNode? node, Style style)
    {
        var text = new StringBuilder();
        Write(text, node, style);
        return text.ToString();
    }

    /// <summary>The path (property names and indexes) of every leaf: strings, numbers, booleans and nulls.</summary>
    public static IEnumerable<object[]> Leaves(JsonNode? node, object[]? path = null) => Walk(node, path ?? [], leavesOnly: true);

    /// <summary>The path of every property and array element, at any depth.</summary>
    public static IEnumerable<object[]> Members(JsonNode? node) => Walk(node, [], leavesOnly: false);

    /// <summary>A copy of <paramref name="root"/> with the node at <paramref name="path"/> replaced by <paramref name="change"/>'s result.</summary>
    public static JsonNode With(JsonNode root, object[] path, Func<JsonNode?, JsonNode?> change)
    {
        var copy = root.DeepClone();
        var parent = Navigate(copy, path[..^1]);
        if (path[^1] is string name)
        {
            parent![name] = change(parent[name]);
        }
        else
        {
            parent![(int)path[^1]] = change(parent[(int)path[^1]]);
        }

        return copy;
    }

    public static JsonNode Without(JsonNode root, object[] path)
    {
        var copy = root.DeepClone();
        var parent = Navigate(copy, path[..^1]);
        if (path[^1] is string name)
        {
            parent!.AsObject().Remove(name);
        }
        else
        {
            parent!.AsArray().RemoveAt((int)path[^1]);
        }

        return copy;
    }

    /// <summary>A different value of the same leaf: longer string, number plus one, flipped boolean, 0 for null.</summary>
    public static JsonNode? Changed(JsonNode? leaf) => leaf?.GetValueKind() switch
    {
        null => JsonValue.Create(0),
        JsonValueKind.String => JsonValue.Create(leaf.GetValue<string>() + "x"),
        JsonValueKind.Number => JsonValue.Create(leaf.GetValue<decimal>() + 1),
        JsonValueKind.True => JsonValue.Create(false),
        JsonValueKind.False => JsonValue.Create(true),
        _ => throw new ArgumentException($"Not a leaf: {leaf.ToJsonString()}", nameof(leaf)),
    };

    private static IEnumerable<object[]> Walk(JsonNode? node, object[] path, bool leavesOnly)
    {
        IEnumerable<(object Step, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((child, i) => ((object)i, child)),
            _ => [],
        };
        foreach (var (step, child) in children)
        {
            object[] childPath = [.. path, step];
            if (!leavesOnly || child is not (JsonObject or JsonArray))
            {
                yield return childPath;
            }

            foreach (var deeper in Walk(child, childPath, leavesOnly))
            {
                yield return deeper;
            }
        }
    }

    private static JsonNode? Navigate(JsonNode? node, object[] path)
    {
        foreach (var step in path)
        {
            node = step is string name ? node![name] : node![(int)step];
        }

        return node;
    }

    private static void Write(StringBuilder text, JsonNode? node, Style style)
    {
        var gap = style.Spaced ? "\n \t " : "";
        switch (node)
        {
            case JsonObject o:
                var properties = style.ReverseProperties ? o.Reverse() : o;
                text.Append('{').Append(gap);
                var first = true;
                foreach (var (name, value) in properties)
                {
                    text.Append(first ? "" : "," + gap);
                    first = false;
                    WriteString(text, name, style);
                    text.Append(gap).Append(':').Append(gap);
                    Write(text, value, style);
                }

                text.Append(gap).Append('}');
                break;
            case JsonArray a:
                text.Append('[').Append(gap);
                for (var i = 0; i < a.Count; i++)
                {
                    text.Append(i == 0 ? "" : "," + gap);
                    Write(text, a[i], style);
                }

                text.Append(gap).Append(']');
                break;
            case null:
                text.Append("null");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                WriteString(text, v.GetValue<string>(), style);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && style.RewriteNumbers:
                text.Append(SameNumber(v.ToJsonString()));
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteString(StringBuilder text, string value, Style style)
    {
        if (!style.EscapeStrings)
        {
            text.Append(JsonSerializer.Serialize(value));
            return;
        }

        text.Append('"');
        foreach (var c in value)
        {
            text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }

        text.Append('"');
    }

    /// <summary>The same number written another way: 1 → 1.0e0, 0.5 → 0.50e0, 1e2 → 1.00e2.</summary>
    private static string SameNumber(string number)
    {
        var e = number.IndexOfAny(['e', 'E']);
        var (mantissa, exponent) = e < 0 ? (number, "e0") : (number[..e], number[e..]);
        return mantissa + (mantissa.Contains('.', StringComparison.Ordinal) ? "00" : ".00") + exponent;
    }
}
