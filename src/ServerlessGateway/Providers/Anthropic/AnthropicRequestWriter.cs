using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// An OpenAI chat request as an Anthropic Messages request. What has no Anthropic equivalent and
/// does not change the answer's meaning (seed, penalties, logit_bias, logprobs, service_tier, store,
/// metadata, prediction, stream_options) is left out; what would change it and cannot be translated
/// (n > 1, audio, non-function tools, OpenAI file ids) is refused with a 400 that names the field.
/// </summary>
public static class AnthropicRequestWriter
{
    // The body goes to an API, never into HTML: keep non-ASCII text as it is rather than \u-escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The Anthropic body for <paramref name="request"/>; throws <see cref="AnthropicRequestException"/> for what cannot be said.</summary>
    public static byte[] Write(ChatRequest request, string model)
    {
        if (request.ChoiceCount > 1)
        {
            throw AnthropicRequestException.Unsupported("n", "Anthropic models give one answer per request: n must be 1.");
        }

        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        if (root.TryGetProperty("functions", out var functions) && functions.ValueKind != JsonValueKind.Null)
        {
            throw AnthropicRequestException.Unsupported("functions", "The deprecated 'functions' cannot be translated: use 'tools'.");
        }

        if (root.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
        {
            throw AnthropicRequestException.Unsupported("audio", "Anthropic models do not answer with audio.");
        }

        var messages = root.GetProperty("messages");
        var buffer = new ArrayBufferWriter<byte>(request.Body.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            AnthropicMessagesWriter.WriteSystem(writer, messages);
            AnthropicMessagesWriter.WriteMessages(writer, messages);
            var toolUseForced = AnthropicToolsWriter.Write(writer, root, AnthropicJsonAnswer.Requested(request.Body.Span));
            var budget = AnthropicTokenBudget.Decide(root, request.MaxTokens, model, toolUseForced, AnthropicMessagesWriter.ContinuesToolUse(messages));
            budget.Write(writer);
            WriteSampling(writer, root, budget.ThinkingEnabled);
            WriteStopSequences(writer, root);
            if (root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String && user.GetString() is { Length: > 0 } userId)
            {
                writer.WriteStartObject("metadata");
                writer.WriteString("user_id", userId);
                writer.WriteEndObject();
            }

            if (request.Stream)
            {
                writer.WriteBoolean("stream", true);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// temperature is clamped to Anthropic's 0..1 (OpenAI allows up to 2). Recent Claude models refuse
    /// temperature and top_p together, so top_p goes only when temperature is absent. With thinking on,
    /// Anthropic accepts neither (nor top_k), so they are left out.
    /// </summary>
    private static void WriteSampling(Utf8JsonWriter writer, JsonElement root, bool thinking)
    {
        if (thinking)
        {
            return;
        }

        var hasTemperature = root.TryGetProperty("temperature", out var temperature) && temperature.ValueKind == JsonValueKind.Number;
        if (hasTemperature)
        {
            writer.WriteNumber("temperature", Math.Clamp(temperature.GetDouble(), 0, 1));
        }
        else if (root.TryGetProperty("top_p", out var topP) && topP.ValueKind == JsonValueKind.Number)
        {
            writer.WriteNumber("top_p", topP.GetDouble());
        }

        // Not OpenAI's, but clients written for several providers send it as an extra field.
        if (root.TryGetProperty("top_k", out var topK) && topK.ValueKind == JsonValueKind.Number && topK.TryGetInt32(out var k))
        {
            writer.WriteNumber("top_k", k);
        }
    }

    private static void WriteStopSequences(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        writer.WriteStartArray("stop_sequences");
        if (stop.ValueKind == JsonValueKind.String)
        {
            writer.WriteStringValue(stop.GetString());
        }
        else if (stop.ValueKind == JsonValueKind.Array)
        {
            foreach (var sequence in stop.EnumerateArray())
            {
                writer.WriteStringValue(sequence.ValueKind == JsonValueKind.String ? sequence.GetString()
                    : throw AnthropicRequestException.Invalid("stop", "stop must be a string or an array of strings."));
            }
        }
        else
        {
            throw AnthropicRequestException.Invalid("stop", "stop must be a string or an array of strings.");
        }

        writer.WriteEndArray();
    }
}
