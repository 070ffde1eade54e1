namespace ServerlessGateway.Providers.Gemini;

/// <summary>Gemini's finishReason and prompt blocks as OpenAI's finish_reason, with the reason said in "refusal".</summary>
internal static class GeminiFinish
{
    public const string ContentFilter = "content_filter";

    /// <summary>
    /// STOP → stop (tool_calls when the answer called functions), MAX_TOKENS → length, the safety and
    /// policy stops → content_filter. Anything else (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, reasons
    /// added later) ends the answer too, as stop: OpenAI has no value for them.
    /// </summary>
    public static string? ToOpenAI(string? reason, bool calledFunctions) => reason switch
    {
        null => null,
        "MAX_TOKENS" => "length",
        _ when IsFiltered(reason) => ContentFilter,
        _ => calledFunctions ? "tool_calls" : "stop",
    };

    public static bool IsFiltered(string? reason) => reason is "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII"
        or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION";

    /// <summary>Why the answer was filtered, for the choice's refusal (OpenAI's place for a model that does not answer).</summary>
    public static string Filtered(string reason, string? message) =>
        $"Gemini stopped the answer: {reason}" + (string.IsNullOrEmpty(message) ? "." : $" ({message}).");

    /// <summary>Why the prompt was refused before any answer (promptFeedback.blockReason).</summary>
    public static string PromptBlocked(string reason, string? message) =>
        $"Gemini blocked the prompt: {reason}" + (string.IsNullOrEmpty(message) ? "." : $" ({message}).");
}
