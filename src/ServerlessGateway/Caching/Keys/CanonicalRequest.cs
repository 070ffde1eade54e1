using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// One pass over a request body: writes its canonical form (less <see cref="IgnoredRequestFields"/>) and notes what
/// the cache needs besides: temperature, seed, and for chat where the last message is and where its content's
/// canonical bytes ended up (the context key swaps exactly those bytes for a marker).
/// </summary>
internal static class CanonicalRequest
{
    /// <summary>
    /// Writes <paramref name="body"/> after what <paramref name="canonical"/> holds. Throws JsonException (or
    /// InvalidOperationException for an escape that is not valid UTF-16) on input that is not one JSON value.
    /// </summary>
    public static RequestFacts Write(ReadOnlySpan<byte> body, CanonicalJson canonical, bool chat)
    {
        var reader = new Utf8JsonReader(body, JsonFields.ReaderOptions);
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        var facts = RequestFacts.None;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            facts = WriteRequest(ref reader, canonical, chat);
        }
        else
        {
            canonical.WriteValue(ref reader);
        }

        if (reader.Read())
        {
            throw new JsonException("The body holds more than one JSON value.");
        }

        return facts;
    }

    private static RequestFacts WriteRequest(ref Utf8JsonReader reader, CanonicalJson canonical, bool chat)
    {
        var facts = RequestFacts.None;
        var messagesAt = -1;
        var frame = canonical.BeginObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = canonical.BeginProperty(ref reader);
            if (IgnoredRequestFields.Contains(name))
            {
                canonical.DropProperty();
                reader.Read();
                reader.Skip();
                continue;
            }

            // A repeated field keeps its last value, in the facts as in the canonical form.
            var isTemperature = name.SequenceEqual("temperature"u8);
            var isSeed = name.SequenceEqual("seed"u8);
            var isMessages = chat && name.SequenceEqual("messages"u8);
            reader.Read();
            if (isTemperature)
            {
                facts = facts with { Temperature = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var t) ? t : null };
            }
            else if (isSeed)
            {
                facts = facts with { HasSeed = reader.TokenType != JsonTokenType.Null };
            }

            if (isMessages)
            {
                messagesAt = canonical.Length;
                facts = facts with { LastMessage = WriteMessages(ref reader, canonical) };
            }
            else
            {
                canonical.WriteValue(ref reader);
            }

            canonical.EndProperty();
        }

        // Sorting moves the messages value as one block: its content keeps its offset inside it.
        var (messagesNowAt, _) = canonical.EndObject(frame, chat ? "messages"u8 : default);
        return facts.LastMessage.HasContent ? facts with { LastMessage = facts.LastMessage.Moved(messagesNowAt - messagesAt) } : facts;
    }

    /// <summary>Writes the messages array; returns the last message, its content relative to where the array was written.</summary>
    private static MessagePosition WriteMessages(ref Utf8JsonReader reader, CanonicalJson canonical)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            canonical.WriteValue(ref reader);
            return MessagePosition.None;
        }

        var last = MessagePosition.None;
        var countAt = canonical.BeginArray();
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            var content = (Start: -1, End: -1);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                content = canonical.WriteObject(ref reader, "content"u8);
            }
            else
            {
                canonical.WriteValue(ref reader);
            }

            last = new MessagePosition(start, (int)reader.BytesConsumed, content.Start, content.End);
            count++;
        }

        canonical.EndArray(countAt, count);
        return last;
    }
}

/// <summary>What a pass over the request learned besides its canonical form.</summary>
internal readonly record struct RequestFacts(double? Temperature, bool HasSeed, MessagePosition LastMessage)
{
    public static RequestFacts None => new(null, false, MessagePosition.None);
}

/// <summary>A message's JSON in the body, and where its content's canonical bytes are (-1 when it has none).</summary>
internal readonly record struct MessagePosition(int BodyStart, int BodyEnd, int ContentStart, int ContentEnd)
{
    public static MessagePosition None => new(-1, -1, -1, -1);

    public bool HasContent => ContentStart >= 0;

    public MessagePosition Moved(int by) => this with { ContentStart = ContentStart + by, ContentEnd = ContentEnd + by };
}
