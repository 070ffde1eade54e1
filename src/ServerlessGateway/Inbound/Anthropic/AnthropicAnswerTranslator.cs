using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>What an answer in Anthropic's format needs to know of the request it answers.</summary>
/// <param name="RequestId">The gateway's request id: the message id when the upstream gave none.</param>
/// <param name="Model">The model the caller asked for: named when the upstream does not say.</param>
/// <param name="ThinkingRequested">Reasoning text is returned as thinking blocks only when the caller turned thinking on.</param>
public sealed record AnthropicAnswerContext(string RequestId, string Model, bool ThinkingRequested);

/// <summary>
/// A complete OpenAI chat completion as an Anthropic message: thinking (when asked for), text (or the
/// refusal), then one tool_use block per tool call with its arguments parsed into "input"; stop_reason
/// from finish_reason; usage with cached input split out. Only the first choice is used (Anthropic has n = 1).
/// </summary>
public static class AnthropicAnswerTranslator
{
    /// <exception cref="JsonException">The answer is not a chat completion.</exception>
    public static byte[] Translate(ReadOnlyMemory<byte> answer, AnthropicAnswerContext context)
    {
        var completion = JsonSerializer.Deserialize(answer.Span, OpenAIAnswerJsonContext.Default.OpenAICompletion)
            ?? throw new JsonException("The answer is null.");
        TokenUsage? usage = OpenAIUsageReader.TryRead(new ReadOnlySequence<byte>(answer), out var found, out _) ? found : null;
        var choice = completion.FirstChoice;
        var message = choice?.Message;
        var messageId = AnthropicJson.MessageId(completion.Id, context.RequestId);

        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, answer.Length));
        using (var writer = new Utf8JsonWriter(buffer, AnthropicJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", messageId);
            writer.WriteString("type", "message");
            writer.WriteString("role", "assistant");
            writer.WriteString("model", string.IsNullOrEmpty(completion.Model) ? context.Model : completion.Model);
            writer.WriteStartArray("content");
            var refused = false;
            var calls = 0;
            if (message is not null)
            {
                if (context.ThinkingRequested && message.ReasoningText is { Length: > 0 } reasoning)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "thinking");
                    writer.WriteString("thinking", reasoning);
                    writer.WriteString("signature", "");
                    writer.WriteEndObject();
                }

                WriteText(writer, message.Text);
                if (message.Refusal is { Length: > 0 } refusal)
                {
                    refused = true;
                    WriteText(writer, refusal);
                }

                foreach (var call in message.ToolCalls ?? [])
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_use");
                    writer.WriteString("id", string.IsNullOrEmpty(call.Id) ? AnthropicJson.ToolUseId(messageId, calls) : call.Id);
                    writer.WriteString("name", call.Function?.Name ?? "");
                    AnthropicJson.WriteDirectCaller(writer);
                    AnthropicJson.WriteToolInput(writer, call.Function?.ArgumentsText);
                    writer.WriteEndObject();
                    calls++;
                }
            }

            writer.WriteEndArray();
            writer.WriteString("stop_reason", AnthropicJson.StopReason(choice?.FinishReason, calls > 0, refused));
            writer.WriteNull("stop_sequence");
            AnthropicJson.WriteUsage(writer, "usage", usage ?? new TokenUsage(0, 0));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteText(Utf8JsonWriter writer, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return; // Anthropic sends no empty text blocks
        }

        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}
