using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// A function call whose arguments gemini-3.x streams over several parts (Vertex's
/// streamFunctionCallArguments): a part with the name and willContinue, parts with partialArgs — each a
/// value at a JSON path, strings arriving in pieces — and a part without willContinue that ends it. The
/// gateway never asks for this mode, so the call is assembled here and sent on whole when it ends.
/// </summary>
internal sealed class GeminiStreamedCall(string name, string? id, string? signature)
{
    private readonly JsonObject arguments = [];

    public string Name { get; } = name;

    public string? Id { get; } = id;

    public string? Signature { get; } = signature;

    /// <summary>Adds one piece; false when its path cannot be read (the arguments would be wrong).</summary>
    public bool Add(PartialArg piece)
    {
        if (piece.JsonPath is not { } path || !TryParsePath(path, out var steps) || steps.Count == 0)
        {
            return false;
        }

        JsonNode parent = arguments;
        for (var i = 0; i < steps.Count - 1; i++)
        {
            if (Child(parent, steps[i], steps[i + 1]) is not { } next)
            {
                return false;
            }

            parent = next;
        }

        var last = steps[^1];
        var existing = Get(parent, last);
        JsonNode? value = piece switch
        {
            { StringValue: { } text } => JsonValue.Create(existing is JsonValue previous && previous.TryGetValue<string>(out var start) ? start + text : text),
            { NumberValue: { } number } => JsonValue.Create(number),
            { BoolValue: { } flag } => JsonValue.Create(flag),
            _ => null,
        };
        return Set(parent, last, value);
    }

    public string ArgumentsJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions))
        {
            arguments.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The node at <paramref name="step"/>, created as an object or array (by what follows it) when missing.</summary>
    private static JsonNode? Child(JsonNode parent, object step, object following)
    {
        if (Get(parent, step) is { } found)
        {
            return found is JsonObject or JsonArray ? found : null;
        }

        JsonNode created = following is int ? new JsonArray() : new JsonObject();
        return Set(parent, step, created) ? created : null;
    }

    private static JsonNode? Get(JsonNode parent, object step) => (parent, step) switch
    {
        (JsonObject obj, string key) => obj[key],
        (JsonArray array, int index) when index < array.Count => array[index],
        _ => null,
    };

    private static bool Set(JsonNode parent, object step, JsonNode? value)
    {
        switch (parent, step)
        {
            case (JsonObject obj, string key):
                obj[key] = value;
                return true;
            case (JsonArray array, int index) when index <= array.Count && index < 10_000:
                if (index == array.Count)
                {
                    array.Add(value);
                }
                else
                {
                    array[index] = value;
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>"$.a.b[0]['c d']" as steps: property names (string) and array indexes (int).</summary>
    private static bool TryParsePath(string path, out List<object> steps)
    {
        steps = [];
        if (!path.StartsWith('$'))
        {
            return false;
        }

        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                if (end == i + 1)
                {
                    return false;
                }

                steps.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    return false;
                }

                var inside = path[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    steps.Add(inside[1..^1]);
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(index);
                }
                else
                {
                    return false;
                }

                i = close + 1;
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
