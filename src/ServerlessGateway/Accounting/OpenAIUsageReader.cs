using System.Buffers;
using System.Text.Json;

namespace ServerlessGateway.Accounting;

/// <summary>Reads the "usage" object of an OpenAI response or stream chunk without building a DOM.</summary>
public static class OpenAIUsageReader
{
    /// <summary>
    /// Scans a response or chunk for its top-level usage. Also reports whether "choices" was an empty
    /// array (the shape of the usage-only chunk that ends a stream with include_usage).
    /// </summary>
    public static bool TryRead(ReadOnlySequence<byte> json, out TokenUsage usage, out bool choicesEmpty)
    {
        usage = default;
        choicesEmpty = false;
        try
        {
            return TryReadCore(json, ref usage, ref choicesEmpty, validateAll: false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed (InvalidOperationException: an escape that is not valid UTF-16): no usage to count. Whoever relays or validates the body decides what else it means.
            usage = default;
            choicesEmpty = false;
            return false;
        }
    }

    /// <summary>
    /// A complete answer's usage (null when it has none), read in the same pass that checks the whole
    /// document is JSON: throws <see cref="JsonException"/> when it is not.
    /// </summary>
    public static TokenUsage? ReadAnswer(ReadOnlySequence<byte> json)
    {
        TokenUsage usage = default;
        var choicesEmpty = false;
        try
        {
            return TryReadCore(json, ref usage, ref choicesEmpty, validateAll: true) ? usage : null;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException(ex.Message, ex); // an escape that is not valid UTF-16
        }
    }

    private static bool TryReadCore(ReadOnlySequence<byte> json, ref TokenUsage usage, ref bool choicesEmpty, bool validateAll)
    {
        var found = false;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            if (validateAll)
            {
                ReadToEnd(ref reader);
            }

            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    usage = ReadUsageObject(ref reader);
                    found = true;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Read();
                    choicesEmpty = reader.TokenType == JsonTokenType.EndArray;
                    if (!choicesEmpty)
                    {
                        SkipRestOfArray(ref reader);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (validateAll)
        {
            ReadToEnd(ref reader);
        }

        return found;
    }

    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    /// <summary>
    /// Cheap pre-check for stream chunks: only chunks that mention a non-null usage are parsed. Every
    /// "usage" key is looked at, since a null one (say, inside a choice) may come before the real one.
    /// </summary>
    public static bool MayCarryUsage(ReadOnlySpan<byte> json)
    {
        int at;
        while ((at = json.IndexOf("\"usage\""u8)) >= 0)
        {
            json = json[(at + 7)..];
            var rest = json.TrimStart(" \t\r\n"u8);
            if (rest.IsEmpty || rest[0] != (byte)':')
            {
                return true; // unusual layout: let the full reader decide
            }

            rest = rest[1..].TrimStart(" \t\r\n"u8);
            if (rest.IsEmpty || rest[0] != (byte)'n')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>From the first element of an array, skips to the array's end.</summary>
    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        reader.Skip();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }
    }

    private static TokenUsage ReadUsageObject(ref Utf8JsonReader reader)
    {
        long input = 0, output = 0, cached = 0, reasoning = 0, cacheWrite = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                input = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                output = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                ReadDetails(ref reader, "cached_tokens"u8, ref cached, "cache_write_tokens"u8, ref cacheWrite);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8))
            {
                reader.Read();
                var unused = 0L;
                ReadDetails(ref reader, "reasoning_tokens"u8, ref reasoning, "\0"u8, ref unused);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new TokenUsage(input, output, cached, cacheWrite, reasoning);
    }

    private static void ReadDetails(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ref long firstValue, ReadOnlySpan<byte> second, ref long secondValue)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(first))
            {
                firstValue = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals(second))
            {
                secondValue = ReadLong(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>A count, or 0 for anything else; a value that is an object or array is skipped whole.</summary>
    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return 0;
    }
}
