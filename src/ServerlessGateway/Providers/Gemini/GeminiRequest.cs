using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// An OpenAI chat request as a Gemini generateContent body: messages (see <see cref="GeminiMessages"/>),
/// tools → functionDeclarations, tool_choice → toolConfig, and generationConfig from temperature, top_p,
/// max_tokens/max_completion_tokens, stop, n, seed, presence/frequency_penalty, response_format and
/// reasoning_effort. The other OpenAI fields (logprobs, logit_bias, parallel_tool_calls, user, metadata,
/// store, service_tier, modalities, audio, prediction, web_search_options) have no Gemini equivalent and
/// are left out; stream and stream_options decide the URL and the relay, not the body.
/// </summary>
internal static class GeminiRequest
{
    public static byte[] Translate(ChatRequest request, Deployment deployment)
    {
        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        var buffer = new ArrayBufferWriter<byte>(request.Body.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions))
        {
            writer.WriteStartObject();
            GeminiMessages.Write(writer, root.GetProperty("messages"), deployment.UpstreamModel);
            var allowed = GeminiTools.WriteToolConfig(writer, root);
            GeminiTools.WriteDeclarations(writer, root, allowed);
            WriteGenerationConfig(writer, root, request, deployment.UpstreamModel);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteGenerationConfig(Utf8JsonWriter writer, JsonElement root, ChatRequest request, string upstreamModel)
    {
        writer.WriteStartObject("generationConfig");
        CopyNumber(writer, root, "temperature", "temperature");
        CopyNumber(writer, root, "top_p", "topP");
        CopyNumber(writer, root, "presence_penalty", "presencePenalty");
        CopyNumber(writer, root, "frequency_penalty", "frequencyPenalty");
        CopyNumber(writer, root, "seed", "seed");
        if (request.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber("maxOutputTokens", maxTokens);
        }

        if (root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number)
        {
            writer.WriteNumber("candidateCount", request.ChoiceCount);
        }

        WriteStop(writer, root);
        WriteResponseFormat(writer, root);
        if (root.TryGetProperty("reasoning_effort", out var effort) && effort.ValueKind != JsonValueKind.Null)
        {
            var value = effort.ValueKind == JsonValueKind.String ? effort.GetString()! : "";
            if (!GeminiThinking.IsKnownEffort(value))
            {
                throw Untranslatable.Invalid("reasoning_effort must be one of none, minimal, low, medium, high, xhigh.", "reasoning_effort");
            }

            GeminiThinking.Write(writer, value, upstreamModel);
        }

        writer.WriteEndObject();
    }

    private static void CopyNumber(Utf8JsonWriter writer, JsonElement root, string from, string to)
    {
        if (!root.TryGetProperty(from, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Untranslatable.Invalid($"'{from}' must be a number.", from);
        }

        writer.WritePropertyName(to);
        value.WriteTo(writer);
    }

    /// <summary>stop: a string or an array of strings → stopSequences.</summary>
    private static void WriteStop(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var sequences = stop.ValueKind switch
        {
            JsonValueKind.String => [stop],
            JsonValueKind.Array when stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) => stop.EnumerateArray().ToList(),
            _ => throw Untranslatable.Invalid("'stop' must be a string or an array of strings.", "stop"),
        };
        writer.WriteStartArray("stopSequences");
        foreach (var sequence in sequences)
        {
            sequence.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    /// <summary>json_object → JSON mode; json_schema → JSON mode held to the schema (converted, see <see cref="GeminiSchema"/>).</summary>
    private static void WriteResponseFormat(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
        switch (type)
        {
            case "text":
                return;
            case "json_object":
                writer.WriteString("responseMimeType", "application/json");
                return;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object)
                {
                    throw Untranslatable.Invalid("response_format of type json_schema needs json_schema.", "response_format.json_schema");
                }

                writer.WriteString("responseMimeType", "application/json");
                if (spec.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
                {
                    writer.WritePropertyName("responseSchema");
                    GeminiSchema.Write(writer, schema, "response_format.json_schema.schema");
                }

                return;
            default:
                throw Untranslatable.Invalid("response_format.type must be text, json_object or json_schema.", "response_format.type");
        }
    }
}
