using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>The pieces of OpenAI's answer JSON that the Gemini translation writes for answers and chunks alike.</summary>
internal static class OpenAIAnswerJson
{
    // Answers are JSON served as JSON, never HTML: keep the model's text readable instead of \u-escaping it.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gemini's responseId names the answer when it sent one; else the gateway's request id does.</summary>
    public static string CompletionId(string? responseId, string requestId) => "chatcmpl-" + (string.IsNullOrEmpty(responseId) ? requestId : responseId);

    /// <summary>The text of an answer's parts, thoughts left out (OpenAI's chat API has no place for them).</summary>
    public static string? Text(List<Part>? parts)
    {
        string? single = null;
        StringBuilder? joined = null;
        foreach (var part in parts ?? [])
        {
            if (part.Text is not { } text || part.Thought == true)
            {
                continue;
            }

            if (single is null)
            {
                single = text;
            }
            else
            {
                joined ??= new StringBuilder(single);
                joined.Append(text);
            }
        }

        return joined?.ToString() ?? single;
    }

    /// <summary>Function-call arguments as OpenAI's JSON string: compact, "{}" when Gemini sent none.</summary>
    public static string Arguments(JsonElement? args)
    {
        if (args is not { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>One entry of "tool_calls"; <paramref name="index"/> is written for stream deltas only.</summary>
    public static void WriteToolCall(Utf8JsonWriter writer, int? index, string id, string name, string arguments)
    {
        writer.WriteStartObject();
        if (index is { } position)
        {
            writer.WriteNumber("index", position);
        }

        writer.WriteString("id", id);
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", name);
        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
