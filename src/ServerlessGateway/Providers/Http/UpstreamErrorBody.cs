using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// Completes an upstream's OpenAI-style error body that lacks a field OpenAI's schema requires, so
/// clients that parse errors strictly can read it. Only error bodies take this path (never the
/// answers or streams), and only when something is missing: complete bodies are relayed unchanged.
/// </summary>
internal static class UpstreamErrorBody
{
    // The body is JSON served as JSON, never HTML: keep the upstream's text readable instead of \u-escaping it.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] WithRequiredFields(ReadOnlySpan<byte> body, GatewayError error)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        var fields = root["error"]!.AsObject();
        fields["type"] = error.Type;
        fields["param"] = error.Param;
        fields["code"] = error.Code;
        var buffer = new ArrayBufferWriter<byte>(body.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
