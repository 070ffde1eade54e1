using System.Buffers;
using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>
/// One choice of a streamed answer as its deltas arrive: text fields appended as unescaped UTF-8, tool calls by
/// their index, log probabilities and annotations as the raw JSON of their elements, comma-separated.
/// </summary>
internal sealed class AssembledChoice(int index)
{
    public int Index { get; } = index;

    public string? FinishReason { get; set; }

    public ArrayBufferWriter<byte> Content { get; } = new(256);

    public ArrayBufferWriter<byte>? Refusal { get; private set; }

    public ArrayBufferWriter<byte>? Reasoning { get; private set; }

    public ArrayBufferWriter<byte>? Annotations { get; private set; }

    /// <summary>Set once any chunk carried a logprobs object for this choice; null ones mean "not asked for".</summary>
    public bool HasLogprobs { get; set; }

    public ArrayBufferWriter<byte>? ContentLogprobs { get; private set; }

    public ArrayBufferWriter<byte>? RefusalLogprobs { get; private set; }

    public SortedDictionary<int, AssembledToolCall> ToolCalls { get; } = [];

    public ArrayBufferWriter<byte> RefusalText() => Refusal ??= new(64);

    public ArrayBufferWriter<byte> ReasoningText() => Reasoning ??= new(256);

    public ArrayBufferWriter<byte> AnnotationList() => Annotations ??= new(256);

    public ArrayBufferWriter<byte> ContentLogprobList() => ContentLogprobs ??= new(1024);

    public ArrayBufferWriter<byte> RefusalLogprobList() => RefusalLogprobs ??= new(256);

    public AssembledToolCall ToolCall(int position)
    {
        if (!ToolCalls.TryGetValue(position, out var call))
        {
            ToolCalls[position] = call = new AssembledToolCall();
        }

        return call;
    }

    /// <summary>The choice as chat.completion writes it. Empty text counts as none: content is null then.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, Index);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        WriteText(writer, "content"u8, Content);
        WriteText(writer, "refusal"u8, Refusal);
        if (Reasoning is { WrittenCount: > 0 })
        {
            WriteText(writer, "reasoning_content"u8, Reasoning);
        }

        if (ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in ToolCalls.Values)
            {
                call.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        if (Annotations is not null)
        {
            WriteList(writer, "annotations"u8, Annotations);
        }

        writer.WriteEndObject();
        if (HasLogprobs)
        {
            writer.WriteStartObject("logprobs"u8);
            WriteList(writer, "content"u8, ContentLogprobs);
            WriteList(writer, "refusal"u8, RefusalLogprobs);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("logprobs"u8);
        }

        writer.WriteString("finish_reason"u8, FinishReason);
        writer.WriteEndObject();
    }

    /// <summary>Appends one raw element to a comma-separated list.</summary>
    public static int AppendElement(ref Utf8JsonReader reader, ReadOnlySequence<byte> source, ArrayBufferWriter<byte> list)
    {
        if (list.WrittenCount > 0)
        {
            list.Write(","u8);
        }

        return 1 + ReplayJson.AppendRaw(ref reader, source, list);
    }

    private static void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ArrayBufferWriter<byte>? text)
    {
        if (text is { WrittenCount: > 0 })
        {
            writer.WriteString(name, text.WrittenSpan);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>A list gathered from deltas (null when no delta had one), written back as an array.</summary>
    private static void WriteList(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ArrayBufferWriter<byte>? elements)
    {
        writer.WritePropertyName(name);
        if (elements is null)
        {
            writer.WriteNullValue();
            return;
        }

        var array = new byte[elements.WrittenCount + 2];
        array[0] = (byte)'[';
        elements.WrittenSpan.CopyTo(array.AsSpan(1));
        array[^1] = (byte)']';
        writer.WriteRawValue(array, skipInputValidation: true);
    }
}

/// <summary>One tool call gathered from its deltas: the id and name as first sent, the arguments joined.</summary>
internal sealed class AssembledToolCall
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public ArrayBufferWriter<byte> Arguments { get; } = new(128);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, Id);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, Name);
        writer.WriteString("arguments"u8, Arguments.WrittenSpan);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
