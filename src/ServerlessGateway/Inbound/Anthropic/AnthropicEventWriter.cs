using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Writes Anthropic's stream events, each as "event: {type}" with {"type": type, ...} as its data, into
/// the response. Which event comes when is <see cref="AnthropicStreamSink"/>'s business.
/// </summary>
internal sealed class AnthropicEventWriter(PipeWriter output)
{
    private readonly ArrayBufferWriter<byte> buffer = new(512);

    public void MessageStart(string id, string model) => Write("message_start"u8, (id, model), static (json, state) =>
    {
        json.WriteStartObject("message");
        json.WriteString("id", state.id);
        json.WriteString("type", "message");
        json.WriteString("role", "assistant");
        json.WriteString("model", state.model);
        json.WriteStartArray("content");
        json.WriteEndArray();
        json.WriteNull("stop_reason");
        json.WriteNull("stop_sequence");

        // OpenAI reports usage only at the end: the real figures come with message_delta.
        AnthropicJson.WriteUsage(json, "usage", new TokenUsage(0, 0));
        json.WriteEndObject();
    });

    public void TextStart(int index) => Write("content_block_start"u8, index, static (json, index) =>
    {
        json.WriteNumber("index", index);
        json.WriteStartObject("content_block");
        json.WriteString("type", "text");
        json.WriteString("text", "");
        json.WriteEndObject();
    });

    public void ThinkingStart(int index) => Write("content_block_start"u8, index, static (json, index) =>
    {
        json.WriteNumber("index", index);
        json.WriteStartObject("content_block");
        json.WriteString("type", "thinking");
        json.WriteString("thinking", "");
        json.WriteString("signature", "");
        json.WriteEndObject();
    });

    public void ToolUseStart(int index, string id, string name) => Write("content_block_start"u8, (index, id, name), static (json, state) =>
    {
        json.WriteNumber("index", state.index);
        json.WriteStartObject("content_block");
        json.WriteString("type", "tool_use");
        json.WriteString("id", state.id);
        json.WriteString("name", state.name);
        AnthropicJson.WriteDirectCaller(json);
        json.WriteStartObject("input");
        json.WriteEndObject();
        json.WriteEndObject();
    });

    public void TextDelta(int index, string text) => Delta(index, "text_delta", "text", text);

    public void ThinkingDelta(int index, string thinking) => Delta(index, "thinking_delta", "thinking", thinking);

    public void InputJsonDelta(int index, string partialJson) => Delta(index, "input_json_delta", "partial_json", partialJson);

    public void BlockStop(int index) => Write("content_block_stop"u8, index, static (json, index) => json.WriteNumber("index", index));

    public void MessageDelta(string stopReason, TokenUsage? usage) => Write("message_delta"u8, (stopReason, usage), static (json, state) =>
    {
        json.WriteStartObject("delta");
        json.WriteString("stop_reason", state.stopReason);
        json.WriteNull("stop_sequence");
        json.WriteEndObject();
        AnthropicJson.WriteUsage(json, "usage", state.usage);
    });

    public void MessageStop() => Write("message_stop"u8, 0, static (_, _) => { });

    public void Ping() => Write("ping"u8, 0, static (_, _) => { });

    /// <summary>An error event; its data is Anthropic's error body (see <see cref="AnthropicErrors.ToJsonBytes"/>).</summary>
    public void Error(byte[] body) => SseWriter.WriteEvent(output, "error"u8, body);

    private void Delta(int index, string type, string field, string value) => Write("content_block_delta"u8, (index, type, field, value), static (json, state) =>
    {
        json.WriteNumber("index", state.index);
        json.WriteStartObject("delta");
        json.WriteString("type", state.type);
        json.WriteString(state.field, state.value);
        json.WriteEndObject();
    });

    private void Write<TState>(ReadOnlySpan<byte> type, TState state, Action<Utf8JsonWriter, TState> fields)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer, AnthropicJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, type);
            fields(json, state);
            json.WriteEndObject();
        }

        SseWriter.WriteEvent(output, type, buffer.WrittenSpan);
    }
}
