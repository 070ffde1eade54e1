using System.Text.Encodings.Web;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>The pieces of Anthropic's answer format that complete answers and streams share.</summary>
internal static class AnthropicJson
{
    /// <summary>JSON sent as JSON or SSE, never into HTML: text stays readable UTF-8 instead of \u escapes (and "+" in base64 stays "+").</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string EndTurn = "end_turn", MaxTokens = "max_tokens", ToolUse = "tool_use", Refusal = "refusal";

    /// <summary>
    /// Anthropic's stop_reason for an OpenAI finish_reason. Tool calls mean tool_use even when the server said
    /// "stop" (Ollama does), since agents loop on tool_use. OpenAI does not say which stop sequence ended the
    /// answer, so "stop" is always end_turn and stop_sequence stays null.
    /// </summary>
    public static string StopReason(string? finishReason, bool hasToolCalls, bool refused) => finishReason switch
    {
        "length" => MaxTokens,
        "content_filter" => Refusal,
        _ when refused => Refusal,
        _ when hasToolCalls => ToolUse,
        "tool_calls" or "function_call" => ToolUse,
        _ => EndTurn,
    };

    /// <summary>Anthropic ids name their kind; the upstream's id is kept inside (or the gateway's request id when it has none).</summary>
    public static string MessageId(string? upstreamId, string requestId) => "msg_" + (string.IsNullOrEmpty(upstreamId) ? requestId : upstreamId);

    /// <summary>For a tool call the upstream sent without an id; the caller echoes it back in its tool_result.</summary>
    public static string ToolUseId(string messageId, int block) =>
        "toolu_" + messageId["msg_".Length..] + "_" + block.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The "caller" of a tool_use block: the model itself ("direct"), as opposed to Anthropic's code
    /// execution calling a tool. Current SDKs treat it as required when they validate answers.
    /// </summary>
    public static void WriteDirectCaller(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("caller");
        writer.WriteString("type", "direct");
        writer.WriteEndObject();
    }

    /// <summary>
    /// Anthropic's usage: its input_tokens excludes cached and cache-written input, while OpenAI's
    /// prompt_tokens (and the normalised <see cref="TokenUsage.InputTokens"/>) includes them.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, string name, TokenUsage? usage)
    {
        writer.WriteStartObject(name);
        if (usage is { } known)
        {
            writer.WriteNumber("input_tokens", Math.Max(0, known.InputTokens - known.CachedInputTokens - known.CacheWriteTokens));
            writer.WriteNumber("cache_creation_input_tokens", known.CacheWriteTokens);
            writer.WriteNumber("cache_read_input_tokens", known.CachedInputTokens);
            writer.WriteNumber("output_tokens", known.OutputTokens);
        }
        else
        {
            writer.WriteNumber("output_tokens", 0);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// A tool call's arguments as the tool_use block's input object. Arguments that are not a JSON object
    /// (cut off by max_tokens, or malformed) become {}: Anthropic's input is always an object.
    /// </summary>
    public static void WriteToolInput(Utf8JsonWriter writer, string? arguments)
    {
        writer.WritePropertyName("input");
        if (!string.IsNullOrWhiteSpace(arguments))
        {
            try
            {
                using var parsed = JsonDocument.Parse(arguments);
                if (parsed.RootElement.ValueKind == JsonValueKind.Object)
                {
                    parsed.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
                // falls through to {}
            }
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }
}
