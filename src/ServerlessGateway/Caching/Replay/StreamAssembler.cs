using System.Buffers;
using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>
/// Builds the non-streamed chat.completion equivalent of an OpenAI chat.completion.chunk stream, fed one chunk
/// at a time, so a streamed answer can be cached. Chunks are copied as they come (the caller's buffers are reused).
/// <para>
/// Kept: id, created, model, system_fingerprint and service_tier (first value sent); per choice (ordered by index)
/// content, refusal and reasoning_content joined (the last is what the gateway's Anthropic translation streams
/// thinking as), tool calls by their index (id and name as first sent, arguments joined), annotations and the
/// content/refusal log probabilities joined in order, and finish_reason; the last usage object, verbatim. Other
/// delta fields (obfuscation, and the like) are dropped.
/// </para>
/// <para>
/// Not cacheable, <see cref="Build"/> returning null: no chunks; a chunk that is not JSON or has invalid text (an
/// escaped lone surrogate); an "error" chunk; a choice without finish_reason (the stream broke off); a tool call
/// without id or name, or of a type other than function; a delta holding what a replay cannot give back
/// (function_call of the deprecated functions API, audio); more text than the size limit. finish_reason "length"
/// and "content_filter" are cacheable: the answer is complete as the provider gave it, and a non-streamed answer
/// that ended so would be cached the same way.
/// </para>
/// </summary>
public sealed class StreamAssembler
{
    private readonly SortedDictionary<int, AssembledChoice> choices = [];
    private readonly long maxBytes;
    private string? id;
    private string? model;
    private string? systemFingerprint;
    private string? serviceTier;
    private long? created;
    private byte[]? usage;
    private long bytes;
    private int chunks;

    /// <param name="maxBytes">
    /// How much answer text (and raw JSON kept verbatim) may be held; beyond it the answer is not cacheable and
    /// what was held is let go, so one huge stream cannot hold memory for a cache entry that will not be written.
    /// </param>
    public StreamAssembler(long maxBytes = 16 * 1024 * 1024) => this.maxBytes = maxBytes;

    /// <summary>Why the stream is not a cacheable answer, once that is known; null while it still may be.</summary>
    public string? NotCacheableReason { get; private set; }

    /// <summary>One chat.completion.chunk (JSON). Never throws: what cannot be read makes the answer not cacheable.</summary>
    public void Add(ReadOnlySequence<byte> chunk)
    {
        if (NotCacheableReason is not null)
        {
            return;
        }

        chunks++;
        try
        {
            ReadChunk(chunk);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escape that is not valid UTF-16, or a value of the wrong type.
            Reject("a chunk is not valid JSON of the expected shape");
        }

        if (bytes > maxBytes)
        {
            Reject($"the answer is larger than {maxBytes} bytes");
        }
    }

    /// <summary>The chat.completion JSON, or null when the stream is not a complete, cacheable answer (see the class remarks).</summary>
    public byte[]? Build()
    {
        if (NotCacheableReason is null)
        {
            Check();
        }

        if (NotCacheableReason is not null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(checked((int)Math.Min(bytes + 512, int.MaxValue)));
        try
        {
            using var writer = new Utf8JsonWriter(buffer, ReplayJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("object"u8, "chat.completion"u8);
            writer.WriteNumber("created"u8, created!.Value);
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("choices"u8);
            foreach (var choice in choices.Values)
            {
                choice.WriteTo(writer);
            }

            writer.WriteEndArray();
            if (usage is not null)
            {
                writer.WritePropertyName("usage"u8);
                writer.WriteRawValue(usage, skipInputValidation: true);
            }

            WriteIfSent(writer, "service_tier"u8, serviceTier);
            WriteIfSent(writer, "system_fingerprint"u8, systemFingerprint);
            writer.WriteEndObject();
        }
        catch (ArgumentException)
        {
            // Joined text that is not valid UTF-8 (an upstream that split a character's bytes across chunks).
            Reject("the answer's text is not valid UTF-8");
            return null;
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Check()
    {
        if (chunks == 0)
        {
            Reject("no chunks");
        }
        else if (id is null || model is null || created is null)
        {
            Reject("the chunks do not name the answer's id, model and created time");
        }
        else if (choices.Count == 0)
        {
            Reject("no choices");
        }
        else if (choices.Values.FirstOrDefault(c => c.FinishReason is null) is { } unfinished)
        {
            Reject($"choice {unfinished.Index} has no finish_reason (the stream broke off)");
        }
        else if (choices.Values.SelectMany(c => c.ToolCalls.Values).Any(call => call.Id is null || call.Name is null))
        {
            Reject("a tool call has no id or name");
        }
    }

    internal void Reject(string reason)
    {
        NotCacheableReason ??= reason;
        choices.Clear(); // nothing more is needed from them: let the memory go
        usage = null;
    }

    private static void WriteIfSent(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private void ReadChunk(ReadOnlySequence<byte> chunk)
    {
        var reader = new Utf8JsonReader(chunk);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a chunk is a JSON object");
        }

        while (NotCacheableReason is null && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                ChunkReader.ReadChoices(ref reader, chunk, this);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader, chunk);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    Reject("the stream carried an error");
                }
            }
            else
            {
                ReadHeaderField(ref reader);
            }
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader, ReadOnlySequence<byte> chunk)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip(); // "usage": null on every chunk but the last, when the caller asked for usage
            return;
        }

        var raw = new ArrayBufferWriter<byte>(256);
        bytes += ReplayJson.AppendRaw(ref reader, chunk, raw);
        usage = raw.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The answer-wide fields: every chunk repeats them, the first non-empty value is kept (Azure's first chunk, of
    /// prompt filter results only, has an empty id and model and a created time of 0). Once known, a field's name is
    /// not even compared: this runs for every property of every chunk.
    /// </summary>
    private void ReadHeaderField(ref Utf8JsonReader reader)
    {
        if (id is null && reader.ValueTextEquals("id"u8))
        {
            id = ReplayJson.ReadStringValue(ref reader);
        }
        else if (model is null && reader.ValueTextEquals("model"u8))
        {
            model = ReplayJson.ReadStringValue(ref reader);
        }
        else if (systemFingerprint is null && reader.ValueTextEquals("system_fingerprint"u8))
        {
            systemFingerprint = ReplayJson.ReadStringValue(ref reader);
        }
        else if (serviceTier is null && reader.ValueTextEquals("service_tier"u8))
        {
            serviceTier = ReplayJson.ReadStringValue(ref reader);
        }
        else if (created is null && reader.ValueTextEquals("created"u8))
        {
            reader.Read();
            created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) && seconds > 0 ? seconds : null;
            reader.Skip();
        }
        else
        {
            reader.Read();
            reader.Skip();
        }
    }

    internal AssembledChoice Choice(int index)
    {
        if (!choices.TryGetValue(index, out var choice))
        {
            choices[index] = choice = new AssembledChoice(index);
        }

        return choice;
    }

    internal void Count(int appended) => bytes += appended;
}
