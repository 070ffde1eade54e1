using System.Text.Json;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Caching;

/// <summary>
/// Shadow mode's judge: would the answer the semantic layer found have done instead of the real one? Two chat
/// completions agree when their first choices' text (content, or tool calls' names and arguments) has the same words
/// in nearly the same proportions (cosine of word counts ≥ <see cref="MinSimilarity"/>). Lexical on purpose: cheap,
/// deterministic, and strict — a paraphrased answer counts as a disagreement, so the rate it reports errs high.
/// </summary>
public static class AnswerAgreement
{
    public const double MinSimilarity = 0.8;

    public static bool Agrees(ReadOnlySpan<byte> cached, ReadOnlySpan<byte> real) =>
        Similarity(Text(cached), Text(real)) >= MinSimilarity;

    public static double Similarity(string a, string b)
    {
        var left = Words(a);
        var right = Words(b);
        if (left.Count == 0 || right.Count == 0)
        {
            return left.Count == right.Count ? 1 : 0;
        }

        double dot = 0, leftNorm = 0, rightNorm = 0;
        foreach (var (word, count) in left)
        {
            leftNorm += count * count;
            dot += count * right.GetValueOrDefault(word);
        }

        foreach (var count in right.Values)
        {
            rightNorm += count * count;
        }

        return dot / Math.Sqrt(leftNorm * rightNorm);
    }

    /// <summary>The first choice's content, or its tool calls' names and arguments; "" when unreadable.</summary>
    public static string Text(ReadOnlySpan<byte> completion)
    {
        try
        {
            var reader = new Utf8JsonReader(completion);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || choices[0].ValueKind != JsonValueKind.Object || !choices[0].TryGetProperty("message", out var message)
                || message.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                return content.GetString() ?? "";
            }

            return message.TryGetProperty("tool_calls", out var calls) ? calls.GetRawText() : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static Dictionary<string, int> Words(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in new WordTokenizer(text))
        {
            var lower = word.In(text).ToString().ToLowerInvariant();
            counts[lower] = counts.GetValueOrDefault(lower) + 1;
        }

        return counts;
    }
}
