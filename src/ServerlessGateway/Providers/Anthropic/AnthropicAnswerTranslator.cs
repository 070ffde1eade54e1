using System.Buffers;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// A complete Anthropic message as an OpenAI chat.completion: text blocks joined into
/// message.content; tool_use blocks as tool_calls with their input as the arguments string (the JSON
/// exactly as Anthropic sent it); the answer tool's input (unwrapped when it was wrapped) as the
/// content when a JSON answer was asked for; thinking as message.reasoning_content; stop_reason as finish_reason; usage normalised.
/// </summary>
public static class AnthropicAnswerTranslator
{
    public readonly record struct Translated(byte[] Json, TokenUsage? Usage);

    /// <summary>Throws <see cref="JsonException"/> when the body is not an Anthropic message.</summary>
    public static Translated Translate(ReadOnlySpan<byte> body, AnthropicJsonAnswer.Kind answerKind, long created, string fallbackModel)
    {
        var message = JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicMessage)
            ?? throw new JsonException("the answer is null");
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? answer = null;
        var toolCalls = new List<AnthropicContentBlock>();
        foreach (var block in message.Content ?? [])
        {
            switch (block.Type)
            {
                case "text":
                    text.Append(block.Text);
                    break;
                case "thinking":
                    reasoning.Append(block.Thinking);
                    break;
                case "tool_use" when answerKind != AnthropicJsonAnswer.Kind.None && block.Name == AnthropicJsonAnswer.ToolName:
                    answer = answerKind == AnthropicJsonAnswer.Kind.WrappedJsonSchema
                        && block.Input is { ValueKind: JsonValueKind.Object } input && input.TryGetProperty(AnthropicJsonAnswer.WrappedProperty, out var value)
                        ? value.GetRawText()
                        : InputJson(block);
                    break;
                case "tool_use":
                    toolCalls.Add(block);
                    break;
            }
        }

        // With a JSON answer, text the model wrote beside it would make the content unparseable: the answer alone is the content.
        var content = answer ?? (text.Length > 0 || toolCalls.Count == 0 ? text.ToString() : null);
        var usage = message.Usage?.ToTokenUsage();
        var buffer = new ArrayBufferWriter<byte>(512 + body.Length);
        using (var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions))
        {
            writer.WriteStartObject();
            OpenAIAnswerJson.WriteHeader(writer, message.Id ?? "", "chat.completion", created, message.Model ?? fallbackModel);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            writer.WriteString("content", content);
            writer.WriteNull("refusal");
            if (reasoning.Length > 0)
            {
                writer.WriteString("reasoning_content", reasoning.ToString());
            }

            WriteToolCalls(writer, toolCalls);
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", OpenAIAnswerJson.FinishReason(message.StopReason, toolCalls.Count > 0));
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (usage is { } counted)
            {
                OpenAIAnswerJson.WriteUsage(writer, counted);
            }

            writer.WriteEndObject();
        }

        return new Translated(buffer.WrittenSpan.ToArray(), usage);
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, List<AnthropicContentBlock> toolCalls)
    {
        if (toolCalls.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("tool_calls");
        foreach (var call in toolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", InputJson(call));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static string InputJson(AnthropicContentBlock block) =>
        block.Input is { ValueKind: not JsonValueKind.Null } input ? input.GetRawText() : "{}";
}
