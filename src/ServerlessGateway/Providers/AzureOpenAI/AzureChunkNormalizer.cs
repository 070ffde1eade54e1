using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.AzureOpenAI;

/// <summary>
/// Makes Azure OpenAI's chat completion chunks valid OpenAI chunks. As sent, an Azure stream starts
/// with a chunk holding only prompt_filter_results (empty choices, "object": ""), may end with
/// asynchronous-filter chunks whose choices carry content_filter_offsets but no delta, and some
/// deployments (model router) send "system_fingerprint": null. OpenAI's schema, and clients that
/// validate against it, reject all three. Every other chunk is checked with one allocation-free
/// read and relayed as it came.
/// </summary>
public sealed class AzureChunkNormalizer : IStreamChunkNormalizer
{
    public static readonly AzureChunkNormalizer Instance = new();

    // Chunks are JSON sent as SSE, never HTML: keep the model's text as the upstream wrote it instead of \u-escaping non-ASCII.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ReadOnlySequence<byte>? Normalize(ReadOnlySequence<byte> data)
    {
        try
        {
            var shape = Inspect(data);
            if (shape.HasChoices && shape.ChoicesWithDelta == 0 && !shape.HasUsage)
            {
                return null; // only filter results: an OpenAI stream has no such chunk
            }

            var valid = !shape.EmptyObject && !shape.NullFingerprint && shape.Choices == shape.ChoicesWithDelta;
            return valid ? data : new ReadOnlySequence<byte>(Rewrite(data));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return data; // not a chunk this normaliser understands (or a bad escape): relay it as it is
        }
    }

    private static Shape Inspect(ReadOnlySequence<byte> data)
    {
        var shape = default(Shape);
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return shape;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                shape.EmptyObject = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(""u8);
            }
            else if (reader.ValueTextEquals("system_fingerprint"u8))
            {
                reader.Read();
                shape.NullFingerprint = reader.TokenType == JsonTokenType.Null;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                shape.HasUsage = reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                shape.HasChoices = reader.TokenType == JsonTokenType.StartArray;
                if (shape.HasChoices)
                {
                    CountChoices(ref reader, ref shape);
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

        return shape;
    }

    private static void CountChoices(ref Utf8JsonReader reader, ref Shape shape)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            shape.Choices++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var hasDelta = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isDelta = reader.ValueTextEquals("delta"u8);
                reader.Read();
                hasDelta |= isDelta && reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
            }

            shape.ChoicesWithDelta += hasDelta ? 1 : 0;
        }
    }

    /// <summary>The rare chunk that needs fixing is rebuilt as a DOM; unknown fields stay as they were.</summary>
    private static byte[] Rewrite(ReadOnlySequence<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        var chunk = JsonNode.Parse(ref reader)!.AsObject();
        if (chunk["choices"] is JsonArray choices)
        {
            for (var i = choices.Count - 1; i >= 0; i--)
            {
                if (choices[i]?["delta"] is not JsonObject)
                {
                    choices.RemoveAt(i);
                }
            }
        }

        if (chunk["object"] is JsonValue kind && kind.GetValueKind() == JsonValueKind.String && kind.GetValue<string>().Length == 0)
        {
            chunk["object"] = "chat.completion.chunk";
        }

        if (chunk.TryGetPropertyValue("system_fingerprint", out var fingerprint) && fingerprint is null)
        {
            chunk.Remove("system_fingerprint");
        }

        var buffer = new ArrayBufferWriter<byte>((int)data.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            chunk.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private struct Shape
    {
        public bool EmptyObject;
        public bool NullFingerprint;
        public bool HasUsage;
        public bool HasChoices;
        public int Choices;
        public int ChoicesWithDelta;
    }
}
