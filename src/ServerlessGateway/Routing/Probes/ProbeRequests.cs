using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Routing.Probes;

/// <summary>
/// The smallest useful requests, parsed by the same parsers as callers' requests so every adapter takes them as it takes
/// traffic: a chat asking for one token, or an embedding of one word.
/// </summary>
public static class ProbeRequests
{
    private const string Word = "ping";

    public static ParsedRequest For(ProbeKind kind, string model)
    {
        var body = PooledBody.FromBytes(Json(kind, model));
        return kind == ProbeKind.Embeddings ? Valid(EmbeddingsRequestParser.Parse(body)) : Valid(ChatRequestParser.Parse(body));
    }

    private static byte[] Json(ProbeKind kind, string model)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (kind == ProbeKind.Embeddings)
            {
                json.WriteString("input", Word);
            }
            else
            {
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", Word);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteNumber("max_tokens", 1);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The bodies are the gateway's own: a parse error is a bug here, not a deployment's fault.</summary>
    private static T Valid<T>(ParseResult<T> parsed)
        where T : ParsedRequest =>
        parsed.Value ?? throw new InvalidOperationException("The probe request does not parse: " + parsed.Error?.Message);
}
