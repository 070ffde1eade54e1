using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>
/// A stored chat.completion, checked whole and its text read out before a replay writes its first chunk, so a
/// stored answer the replay cannot give back fails before the caller's stream has started.
/// </summary>
internal sealed record StoredCompletion(string Id, long Created, string Model, string? SystemFingerprint, string? ServiceTier, List<StoredChoice> Choices, JsonElement? Usage)
{
    /// <summary>
    /// Null when the document is not a chat.completion, or holds what a stream cannot carry: content that is not a
    /// string, a tool call that is not a function call, a function_call (the deprecated functions API) or audio.
    /// </summary>
    public static StoredCompletion? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || String(root, "id") is not { } id || String(root, "model") is not { } model
            || !root.TryGetProperty("created", out var created) || created.ValueKind != JsonValueKind.Number || !created.TryGetInt64(out var seconds)
            || !root.TryGetProperty("choices", out var choiceArray) || choiceArray.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var choices = new List<StoredChoice>(choiceArray.GetArrayLength());
        foreach (var element in choiceArray.EnumerateArray())
        {
            if (StoredChoice.Read(element) is not { } choice)
            {
                return null;
            }

            choices.Add(choice);
        }

        choices.Sort((a, b) => a.Index.CompareTo(b.Index));
        return Optional(root, "usage", JsonValueKind.Object, out var usage)
            ? new StoredCompletion(id, seconds, model, String(root, "system_fingerprint"), String(root, "service_tier"), choices, usage)
            : null;
    }

    /// <summary>The string value of a property, or null when it is absent or not a string.</summary>
    internal static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>False when the property is there, not null, and not of <paramref name="kind"/>; else its value, when there.</summary>
    internal static bool Optional(JsonElement parent, string name, JsonValueKind kind, out JsonElement? value)
    {
        value = null;
        if (!parent.TryGetProperty(name, out var found) || found.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        value = found;
        return found.ValueKind == kind;
    }
}
