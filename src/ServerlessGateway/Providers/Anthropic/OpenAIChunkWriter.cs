using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Writes OpenAI chat.completion.chunk JSON into one reused buffer and hands each chunk to the sink,
/// which copies it before the next one is written.
/// </summary>
internal sealed class OpenAIChunkWriter(long created)
{
    private readonly ArrayBufferWriter<byte> buffer = new(512);

    public string Id { get; set; } = "";

    public string Model { get; set; } = "";

    /// <summary>The first chunk: the role, and empty content as OpenAI sends it.</summary>
    public void Role(IChunkSink sink)
    {
        using var writer = BeginDelta();
        writer.WriteString("role", "assistant");
        writer.WriteString("content", "");
        EndDelta(writer, sink, null);
    }

    public void Content(IChunkSink sink, string text)
    {
        using var writer = BeginDelta();
        writer.WriteString("content", text);
        EndDelta(writer, sink, null);
    }

    /// <summary>Thinking text, as "reasoning_content" (the name DeepSeek, vLLM and LiteLLM use; OpenAI clients ignore it).</summary>
    public void Reasoning(IChunkSink sink, string text)
    {
        using var writer = BeginDelta();
        writer.WriteString("reasoning_content", text);
        EndDelta(writer, sink, null);
    }

    public void ToolCallStart(IChunkSink sink, int index, string id, string name)
    {
        using var writer = BeginDelta();
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteString("id", id);
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", name);
        writer.WriteString("arguments", "");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndDelta(writer, sink, null);
    }

    public void ToolArguments(IChunkSink sink, int index, string fragment)
    {
        using var writer = BeginDelta();
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("function");
        writer.WriteString("arguments", fragment);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndDelta(writer, sink, null);
    }

    public void Finish(IChunkSink sink, string finishReason)
    {
        using var writer = BeginDelta();
        EndDelta(writer, sink, finishReason);
    }

    /// <summary>The usage-only chunk that ends a stream whose caller asked for stream_options.include_usage.</summary>
    public void Usage(IChunkSink sink, TokenUsage usage)
    {
        using var writer = Begin();
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        OpenAIAnswerJson.WriteUsage(writer, usage);
        writer.WriteEndObject();
        Send(writer, sink);
    }

    private Utf8JsonWriter Begin()
    {
        buffer.ResetWrittenCount();
        var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions);
        writer.WriteStartObject();
        OpenAIAnswerJson.WriteHeader(writer, Id, "chat.completion.chunk", created, Model);
        return writer;
    }

    private Utf8JsonWriter BeginDelta()
    {
        var writer = Begin();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        return writer;
    }

    private void EndDelta(Utf8JsonWriter writer, IChunkSink sink, string? finishReason)
    {
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        Send(writer, sink);
    }

    private void Send(Utf8JsonWriter writer, IChunkSink sink)
    {
        writer.Flush();
        sink.Chunk(new ReadOnlySequence<byte>(buffer.WrittenMemory));
    }
}
