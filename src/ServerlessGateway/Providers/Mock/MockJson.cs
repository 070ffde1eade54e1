using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Mock;

/// <summary>The mock's answers in OpenAI's exact wire shapes (checked against the OpenAPI spec in tests).</summary>
internal static class MockJson
{
    public const string Fingerprint = "fp_serverless_gateway_mock";

    public static byte[] Completion(MockReply reply)
    {
        return Write(writer =>
        {
            WriteHeader(writer, reply, "chat.completion");
            writer.WriteStartArray("choices");
            for (var i = 0; i < reply.Choices; i++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", i);
                writer.WriteStartObject("message");
                writer.WriteString("role", "assistant");
                WriteContent(writer, reply, reply.Text, inDelta: false);
                writer.WriteNull("refusal");
                writer.WriteEndObject();
                writer.WriteNull("logprobs");
                writer.WriteString("finish_reason", reply.FinishReason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            OpenAIUsageWriter.Write(writer, reply.Usage, UsageDetails.Reasoning);
        });
    }

    public static byte[] Chunk(MockReply reply, int choice, string? content, bool first, bool last)
    {
        return Write(writer =>
        {
            WriteHeader(writer, reply, "chat.completion.chunk");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", choice);
            writer.WriteStartObject("delta");
            if (first)
            {
                writer.WriteString("role", "assistant");
            }

            if (content is not null)
            {
                WriteContent(writer, reply, content, inDelta: true);
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            if (last)
            {
                writer.WriteString("finish_reason", reply.FinishReason);
            }
            else
            {
                writer.WriteNull("finish_reason");
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    public static byte[] UsageChunk(MockReply reply)
    {
        return Write(writer =>
        {
            WriteHeader(writer, reply, "chat.completion.chunk");
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            OpenAIUsageWriter.Write(writer, reply.Usage, UsageDetails.Reasoning);
        });
    }

    public static byte[] Embeddings(string model, IReadOnlyList<float[]> vectors, bool base64, int promptTokens)
    {
        return Write(writer =>
        {
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < vectors.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (base64)
                {
                    writer.WriteBase64String("embedding", System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors[i].AsSpan()));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (var value in vectors[i])
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", model);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", promptTokens);
            writer.WriteNumber("total_tokens", promptTokens);
            writer.WriteEndObject();
        });
    }

    private static void WriteHeader(Utf8JsonWriter writer, MockReply reply, string objectType)
    {
        writer.WriteString("id", reply.Id);
        writer.WriteString("object", objectType);
        writer.WriteNumber("created", reply.Created);
        writer.WriteString("model", reply.Model);
        writer.WriteString("system_fingerprint", Fingerprint);
    }

    private static void WriteContent(Utf8JsonWriter writer, MockReply reply, string text, bool inDelta)
    {
        if (reply.ToolName is null)
        {
            writer.WriteString("content", text);
            return;
        }

        writer.WriteNull("content");
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        if (inDelta)
        {
            writer.WriteNumber("index", 0);
        }

        writer.WriteString("id", "call_mock_0");
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", reply.ToolName);
        writer.WriteString("arguments", "{}");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Everything the mock needs to write one answer.</summary>
internal sealed record MockReply(string Id, long Created, string Model, string Text, string? ToolName, int Choices, TokenUsage Usage)
{
    public string FinishReason => ToolName is null ? "stop" : "tool_calls";

    /// <summary>Usage counted with the gateway's tokenizer, as an OpenAI model would report it.</summary>
    public static MockReply For(ChatRequest request, string requestId, string model, string text, long created, Tokenization.ITokenCounter tokens)
    {
        var promptTokens = request.Body.Length <= MockText.ExactCountLimit ? tokens.CountChat(request).Tokens : request.Body.Length / 4;
        var completionTokens = request.ForcedToolName is null ? MockText.Tokens(tokens, request.Model, System.Text.Encoding.UTF8.GetBytes(text)) * request.ChoiceCount : 5;
        return new MockReply("chatcmpl-mock-" + requestId, created, model, text, request.ForcedToolName, request.ChoiceCount, new TokenUsage(promptTokens, completionTokens));
    }
}
