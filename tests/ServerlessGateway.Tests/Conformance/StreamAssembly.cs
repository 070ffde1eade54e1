using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// What a client ends up with after reading a chat completion stream: per choice, the joined content
/// and refusal text and each tool call's name and joined arguments. Two streams that assemble to the
/// same result carry the same answer, whatever the chunking.
/// </summary>
internal static class StreamAssembly
{
    /// <summary>Keys like "choice0.content", "choice0.tool1.name", "choice0.tool1.arguments"; sorted for readable diffs.</summary>
    public static SortedDictionary<string, string> Assemble(IEnumerable<string> payloads)
    {
        var parts = new SortedDictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var payload in payloads.Where(p => p != SseTranscript.Done))
        {
            if (JsonNode.Parse(payload)?["choices"] is not JsonArray choices)
            {
                continue;
            }

            foreach (var choice in choices)
            {
                var prefix = $"choice{choice!["index"]}.";
                if (choice["delta"] is not JsonObject delta)
                {
                    continue;
                }

                Append(parts, prefix + "content", delta["content"]);
                Append(parts, prefix + "refusal", delta["refusal"]);
                foreach (var call in delta["tool_calls"] as JsonArray ?? [])
                {
                    var tool = $"{prefix}tool{call!["index"]}.";
                    Append(parts, tool + "id", call["id"]);
                    Append(parts, tool + "name", call["function"]?["name"]);
                    Append(parts, tool + "arguments", call["function"]?["arguments"]);
                }
            }
        }

        return new SortedDictionary<string, string>(parts.ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal);
    }

    /// <summary>The chunk that ends a stream with include_usage: no choices, only usage.</summary>
    public static bool IsUsageOnly(string payload) =>
        payload != SseTranscript.Done && JsonNode.Parse(payload) is JsonObject chunk
        && chunk["choices"] is JsonArray { Count: 0 } && chunk["usage"] is JsonObject;

    private static void Append(SortedDictionary<string, StringBuilder> parts, string key, JsonNode? value)
    {
        if (value is null)
        {
            return;
        }

        if (!parts.TryGetValue(key, out var text))
        {
            parts[key] = text = new StringBuilder();
        }

        text.Append(value.GetValue<string>());
    }
}
