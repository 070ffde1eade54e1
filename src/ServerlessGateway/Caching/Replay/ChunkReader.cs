using System.Buffers;
using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>Reads the "choices" of one chat.completion.chunk into a <see cref="StreamAssembler"/>.</summary>
internal static class ChunkReader
{
    /// <summary>The reader is on the value of "choices"; each element's delta is applied to the choice at its index.</summary>
    public static void ReadChoices(ref Utf8JsonReader reader, ReadOnlySequence<byte> chunk, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("choices is an array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var choice = assembler.Choice(IndexOf(reader));
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader, chunk, choice, assembler);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    choice.FinishReason = ReplayJson.ReadStringValue(ref reader) ?? choice.FinishReason;
                }
                else if (reader.ValueTextEquals("logprobs"u8))
                {
                    reader.Read();
                    ReadLogprobs(ref reader, chunk, choice, assembler);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    /// <summary>
    /// The "index" of the object the reader is on, looked up ahead on a copy of the reader: it usually comes
    /// first, but JSON does not promise it, and the deltas before it need to know their choice.
    /// </summary>
    private static int IndexOf(Utf8JsonReader probe)
    {
        if (probe.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an element of choices or tool_calls is an object");
        }

        while (probe.Read() && probe.TokenType == JsonTokenType.PropertyName)
        {
            var isIndex = probe.ValueTextEquals("index"u8);
            probe.Read();
            if (isIndex)
            {
                return probe.TokenType == JsonTokenType.Number && probe.TryGetInt32(out var index) ? index : throw new JsonException("a choice index that is not an integer");
            }

            probe.Skip();
        }

        throw new JsonException("an element of choices or tool_calls has no index");
    }

    private static void ReadDelta(ref Utf8JsonReader reader, ReadOnlySequence<byte> chunk, AssembledChoice choice, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip(); // a choice without a delta (an Azure filter result) adds nothing
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null || field == DeltaField.Other)
            {
                reader.Skip();
                continue;
            }

            switch (field)
            {
                case DeltaField.Content:
                    assembler.Count(ReplayJson.AppendString(ref reader, choice.Content));
                    break;
                case DeltaField.Refusal:
                    assembler.Count(ReplayJson.AppendString(ref reader, choice.RefusalText()));
                    break;
                case DeltaField.Reasoning:
                    assembler.Count(ReplayJson.AppendString(ref reader, choice.ReasoningText()));
                    break;
                case DeltaField.ToolCalls:
                    ReadToolCalls(ref reader, choice, assembler);
                    break;
                case DeltaField.Annotations:
                    ReadList(ref reader, chunk, choice.AnnotationList(), assembler);
                    break;
                default:
                    assembler.Reject("the answer holds a function_call or audio, which a replay does not give back");
                    reader.Skip();
                    break;
            }
        }
    }

    private static DeltaField Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("content"u8) ? DeltaField.Content
        : reader.ValueTextEquals("refusal"u8) ? DeltaField.Refusal
        : reader.ValueTextEquals("reasoning_content"u8) ? DeltaField.Reasoning
        : reader.ValueTextEquals("tool_calls"u8) ? DeltaField.ToolCalls
        : reader.ValueTextEquals("annotations"u8) ? DeltaField.Annotations
        : reader.ValueTextEquals("function_call"u8) || reader.ValueTextEquals("audio"u8) ? DeltaField.NotReplayable
        : DeltaField.Other;

    private static void ReadToolCalls(ref Utf8JsonReader reader, AssembledChoice choice, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("tool_calls is an array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var call = choice.ToolCall(IndexOf(reader));
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    var callId = ReplayJson.ReadStringValue(ref reader);
                    call.Id ??= callId;
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    if (ReplayJson.ReadStringValue(ref reader) is { } type && type != "function")
                    {
                        assembler.Reject($"a tool call of type {type}, which the cache does not replay");
                    }
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    ReadFunction(ref reader, call, assembler);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private static void ReadFunction(ref Utf8JsonReader reader, AssembledToolCall call, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = reader.ValueTextEquals("name"u8);
            var isArguments = reader.ValueTextEquals("arguments"u8);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
            }
            else if (isName && call.Name is null)
            {
                var name = reader.GetString();
                call.Name = string.IsNullOrEmpty(name) ? null : name;
            }
            else if (isArguments)
            {
                assembler.Count(ReplayJson.AppendString(ref reader, call.Arguments));
            }
        }
    }

    /// <summary>The reader is on a choice's "logprobs" value: a null one is the usual "not asked for".</summary>
    private static void ReadLogprobs(ref Utf8JsonReader reader, ReadOnlySequence<byte> chunk, AssembledChoice choice, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        choice.HasLogprobs = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            var isRefusal = reader.ValueTextEquals("refusal"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartArray && (isContent || isRefusal))
            {
                ReadList(ref reader, chunk, isContent ? choice.ContentLogprobList() : choice.RefusalLogprobList(), assembler);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>The reader is on an array; its elements are added to <paramref name="list"/> as they were written.</summary>
    private static void ReadList(ref Utf8JsonReader reader, ReadOnlySequence<byte> chunk, ArrayBufferWriter<byte> list, StreamAssembler assembler)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            assembler.Count(AssembledChoice.AppendElement(ref reader, chunk, list));
        }
    }

    private enum DeltaField
    {
        Other,
        Content,
        Refusal,
        Reasoning,
        ToolCalls,
        Annotations,
        NotReplayable,
    }
}
