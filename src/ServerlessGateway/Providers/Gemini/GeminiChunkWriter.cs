using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Writes OpenAI chat.completion.chunk JSON for one stream into one reused buffer (a sink copies each
/// chunk before the next is written). Every chunk names the same id, created time and model.
/// </summary>
internal sealed class GeminiChunkWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(1024);

    public string Id { get; set; } = "";

    public string Model { get; set; } = "";

    public long Created { get; set; }

    /// <summary>One choice's delta. Only the parts given are written; role marks the choice's first chunk.</summary>
    public void Choice(IChunkSink sink, int index, ChunkDelta delta)
    {
        using var writer = Start();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        if (delta.Role)
        {
            writer.WriteString("role", "assistant");
        }

        if (delta.Content is { } content)
        {
            writer.WriteString("content", content);
        }

        if (delta.Refusal is { } refusal)
        {
            writer.WriteString("refusal", refusal);
        }

        if (delta.ToolCalls is { Count: > 0 } calls)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                OpenAIAnswerJson.WriteToolCall(writer, call.Index, call.Id, call.Name, call.Arguments);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", delta.Finish);
        writer.WriteEndObject();
        writer.WriteEndArray();
        End(writer, sink);
    }

    /// <summary>The usage-only chunk that ends a stream for a caller who asked for stream_options.include_usage.</summary>
    public void Usage(IChunkSink sink, TokenUsage usage)
    {
        using var writer = Start();
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        GeminiUsage.Write(writer, usage);
        End(writer, sink);
    }

    private Utf8JsonWriter Start()
    {
        buffer.ResetWrittenCount();
        var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", Created);
        writer.WriteString("model", Model);
        return writer;
    }

    private void End(Utf8JsonWriter writer, IChunkSink sink)
    {
        writer.WriteEndObject();
        writer.Flush();
        sink.Chunk(new ReadOnlySequence<byte>(buffer.WrittenMemory));
    }
}

/// <summary>What one chunk says about one choice.</summary>
internal readonly record struct ChunkDelta(bool Role, string? Content, string? Refusal, List<ChunkToolCall>? ToolCalls, string? Finish)
{
    public bool IsEmpty => Content is null && Refusal is null && ToolCalls is not { Count: > 0 } && Finish is null;
}

/// <summary>A whole tool call in a delta, at its index among the choice's tool calls.</summary>
internal readonly record struct ChunkToolCall(int Index, string Id, string Name, string Arguments);
