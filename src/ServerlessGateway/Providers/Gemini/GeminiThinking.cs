using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// reasoning_effort as Gemini's thinkingConfig, by model generation (read from the upstream model name):
/// <list type="bullet">
/// <item>gemini-2.5: thinkingBudget in tokens — none 0 (128 on Pro, which cannot stop thinking), minimal
/// 512, low 1024, medium 8192, high and xhigh 24576 (within every 2.5 model's range).</item>
/// <item>gemini-3 and later (and names the gateway does not recognise): thinkingLevel — none and minimal
/// "minimal" on Flash models ("low" elsewhere: Pro has no minimal level), low "low", medium "medium" on
/// Flash ("high" on Pro, which has only low and high), high and xhigh "high".</item>
/// <item>gemini-1.x and 2.0 do not think: reasoning_effort is left out.</item>
/// </list>
/// Thoughts are never asked for (includeThoughts): OpenAI's chat API has no place for them; their tokens
/// are counted as reasoning tokens.
/// </summary>
internal static class GeminiThinking
{
    public static bool IsKnownEffort(string effort) => effort is "none" or "minimal" or "low" or "medium" or "high" or "xhigh";

    /// <summary>Writes "thinkingConfig" into generationConfig when the model can think.</summary>
    public static void Write(Utf8JsonWriter writer, string effort, string upstreamModel)
    {
        var model = upstreamModel[(upstreamModel.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (model.StartsWith("gemini-1", StringComparison.Ordinal) || model.StartsWith("gemini-2.0", StringComparison.Ordinal))
        {
            return;
        }

        var pro = model.Contains("-pro", StringComparison.Ordinal);
        var flash = model.Contains("flash", StringComparison.Ordinal);
        writer.WriteStartObject("thinkingConfig");
        if (model.StartsWith("gemini-2.5", StringComparison.Ordinal))
        {
            writer.WriteNumber("thinkingBudget", effort switch
            {
                "none" => pro ? 128 : 0,
                "minimal" => 512,
                "low" => 1024,
                "medium" => 8192,
                _ => 24576,
            });
        }
        else
        {
            writer.WriteString("thinkingLevel", effort switch
            {
                "none" or "minimal" => flash ? "minimal" : "low",
                "low" => "low",
                "medium" => flash ? "medium" : "high",
                _ => "high",
            });
        }

        writer.WriteEndObject();
    }
}
