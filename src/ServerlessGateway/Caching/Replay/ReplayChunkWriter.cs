using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Caching.Replay;

/// <summary>
/// Writes a stored answer as the chunks OpenAI would have streamed, into one reused buffer (a sink copies each
/// chunk before the next is written). Every chunk names the answer's id, created time, model, service tier and
/// fingerprint; with include_usage every chunk but the usage one says "usage": null, as OpenAI's do.
/// </summary>
internal sealed class ReplayChunkWriter(StoredCompletion completion, IChunkSink sink, bool includeUsage, ReplayOptions options) : IDisposable
{
    private readonly ArrayBufferWriter<byte> buffer = new(512);
    private readonly Utf8JsonWriter writer = new(Stream.Null, ReplayJson.WriterOptions);

    public void Dispose() => writer.Dispose();

    /// <summary>
    /// One choice: the role, reasoning, content and refusal text in pieces, annotations, each tool call (id and name,
    /// then its arguments in pieces), then finish_reason. Log probabilities ride on the first piece of the text they
    /// describe; any left over (no such text) on the finish chunk.
    /// </summary>
    public void WriteChoice(StoredChoice choice)
    {
        var logprobs = choice.Logprobs is null ? LogprobParts.None : LogprobParts.Object | Kind(choice.Logprobs.Value, "content", LogprobParts.Content) | Kind(choice.Logprobs.Value, "refusal", LogprobParts.Refusal);

        // As OpenAI starts a choice: content "" when text follows, null before a refusal or tool calls.
        BeginDelta(choice.Index);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, string.IsNullOrEmpty(choice.Content) ? null : "");
        EndDelta(choice, LogprobParts.None, null);

        WriteText(choice, "reasoning_content"u8, choice.Reasoning, LogprobParts.None, ref logprobs);
        WriteText(choice, "content"u8, choice.Content, LogprobParts.Content, ref logprobs);
        WriteText(choice, "refusal"u8, choice.Refusal, LogprobParts.Refusal, ref logprobs);
        if (choice.Annotations is { } annotations)
        {
            BeginDelta(choice.Index);
            writer.WritePropertyName("annotations"u8);
            WriteRaw(annotations);
            EndDelta(choice, LogprobParts.None, null);
        }

        for (var position = 0; position < choice.ToolCalls.Count; position++)
        {
            WriteToolCall(choice, position, choice.ToolCalls[position]);
        }

        BeginDelta(choice.Index);
        EndDelta(choice, logprobs, choice.FinishReason);
    }

    /// <summary>The chunk that ends a stream with include_usage: no choices, the stored usage.</summary>
    public void WriteUsage(JsonElement usage)
    {
        Begin();
        writer.WriteStartArray("choices"u8);
        writer.WriteEndArray();
        writer.WritePropertyName("usage"u8);
        WriteRaw(usage);
        writer.WriteEndObject();
        Send();
    }

    private void WriteText(StoredChoice choice, ReadOnlySpan<byte> name, string? text, LogprobParts describedBy, ref LogprobParts pending)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var length = options.NextPieceLength(rest);
            BeginDelta(choice.Index);
            writer.WriteString(name, rest[..length]);
            var attached = pending & describedBy;
            if (attached != LogprobParts.None)
            {
                pending &= ~(attached | LogprobParts.Object);
            }

            EndDelta(choice, attached, null);
            rest = rest[length..];
        }
    }

    /// <summary>As OpenAI streams a tool call: index, id, type and name with empty arguments, then the arguments in pieces.</summary>
    private void WriteToolCall(StoredChoice choice, int position, StoredToolCall call)
    {
        BeginToolCall(choice.Index, position);
        writer.WriteString("id"u8, call.Id);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, call.Name);
        writer.WriteString("arguments"u8, ""u8);
        EndToolCall(choice);

        var rest = call.Arguments.AsSpan();
        while (!rest.IsEmpty)
        {
            var length = options.NextPieceLength(rest);
            BeginToolCall(choice.Index, position);
            writer.WriteStartObject("function"u8);
            writer.WriteString("arguments"u8, rest[..length]);
            EndToolCall(choice);
            rest = rest[length..];
        }
    }

    private void BeginToolCall(int choiceIndex, int position)
    {
        BeginDelta(choiceIndex);
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, position);
    }

    /// <summary>Closes the "function" object, the tool call, the array and the chunk.</summary>
    private void EndToolCall(StoredChoice choice)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndDelta(choice, LogprobParts.None, null);
    }

    private void Begin()
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("id"u8, completion.Id);
        writer.WriteString("object"u8, "chat.completion.chunk"u8);
        writer.WriteNumber("created"u8, completion.Created);
        writer.WriteString("model"u8, completion.Model);
        if (completion.ServiceTier is { } tier)
        {
            writer.WriteString("service_tier"u8, tier);
        }

        if (completion.SystemFingerprint is { } fingerprint)
        {
            writer.WriteString("system_fingerprint"u8, fingerprint);
        }
    }

    private void BeginDelta(int choiceIndex)
    {
        Begin();
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, choiceIndex);
        writer.WriteStartObject("delta"u8);
    }

    private void EndDelta(StoredChoice choice, LogprobParts logprobs, string? finishReason)
    {
        writer.WriteEndObject();
        writer.WritePropertyName("logprobs"u8);
        if (logprobs == LogprobParts.None)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartObject();
            WriteLogprobList(choice, "content", logprobs.HasFlag(LogprobParts.Content));
            WriteLogprobList(choice, "refusal", logprobs.HasFlag(LogprobParts.Refusal));
            writer.WriteEndObject();
        }

        writer.WriteString("finish_reason"u8, finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (includeUsage)
        {
            writer.WriteNull("usage"u8);
        }

        writer.WriteEndObject();
        Send();
    }

    private void WriteLogprobList(StoredChoice choice, string name, bool attached)
    {
        writer.WritePropertyName(name);
        if (attached)
        {
            WriteRaw(choice.Logprobs!.Value.GetProperty(name));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>
    /// A stored value as it was written, on one line. JsonElement.WriteTo would unescape and check its strings, and
    /// throw half-way through a stream on a logprob token that is an escaped lone surrogate (a token can be part of
    /// a character).
    /// </summary>
    private void WriteRaw(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        // Pretty-printed, as OpenAI's own non-streamed answers are: a chunk is one SSE data line. A JSON string cannot
        // hold a raw line break, so every one is layout.
        var oneLine = new byte[raw.Length];
        var length = 0;
        foreach (var b in raw)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                oneLine[length++] = b;
            }
        }

        writer.WriteRawValue(oneLine.AsSpan(0, length), skipInputValidation: true);
    }

    private void Send()
    {
        writer.Flush();
        sink.Chunk(new ReadOnlySequence<byte>(buffer.WrittenMemory));
    }

    private static LogprobParts Kind(JsonElement logprobs, string name, LogprobParts part) =>
        logprobs.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? part : LogprobParts.None;

    /// <summary>Which parts of a choice's logprobs object a chunk carries (Object: the object itself, even with both lists null).</summary>
    [Flags]
    private enum LogprobParts
    {
        None = 0,
        Content = 1,
        Refusal = 2,
        Object = 4,
    }
}
