using System.Text.Encodings.Web;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>The pieces of OpenAI's answer and chunk shapes that the Anthropic translation writes.</summary>
internal static class OpenAIAnswerJson
{
    // Written for API clients, not HTML: non-ASCII answer text stays as it is rather than \u-escaped.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// OpenAI's usage object. prompt_tokens includes the cached part (<see cref="AnthropicUsage.ToTokenUsage"/>
    /// does the arithmetic); cache writes are kept so an answer translated back to Anthropic's format keeps
    /// them. Anthropic does not report reasoning tokens separately, so they are left out rather than made up.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, TokenUsage usage) => OpenAIUsageWriter.Write(writer, usage, UsageDetails.CacheWrites);

    /// <summary>
    /// stop_reason as finish_reason: end_turn, stop_sequence and pause_turn → stop; max_tokens and
    /// model_context_window_exceeded → length; tool_use → tool_calls, unless the only tool called was
    /// the answer tool (the answer is the content then) → stop; refusal → content_filter.
    /// </summary>
    public static string FinishReason(string? stopReason, bool showsToolCalls) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => showsToolCalls ? "tool_calls" : "stop",
        "refusal" => "content_filter",
        _ => "stop",
    };

    public static void WriteHeader(Utf8JsonWriter writer, string id, string objectType, long created, string model)
    {
        writer.WriteString("id", id);
        writer.WriteString("object", objectType);
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
    }
}
