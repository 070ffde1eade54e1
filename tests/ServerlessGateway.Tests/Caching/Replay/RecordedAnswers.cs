using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Replay;
using ServerlessGateway.Providers.AzureOpenAI;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>The shared provider recordings (read from ../shared at run time) as the assembler and replay meet them.</summary>
internal static class RecordedAnswers
{
    /// <summary>A recorded stream's chunks as they reach the cache: Azure's made valid OpenAI chunks first, as its adapter does.</summary>
    public static List<byte[]> Chunks(Recording recording)
    {
        var chunks = new List<byte[]>();
        foreach (var payload in SseTranscript.Payloads(Encoding.UTF8.GetString(recording.Body)).Where(p => p != SseTranscript.Done))
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            if (!recording.IsAzure)
            {
                chunks.Add(bytes);
            }
            else if (AzureChunkNormalizer.Instance.Normalize(new ReadOnlySequence<byte>(bytes)) is { } normalized)
            {
                chunks.Add(normalized.ToArray());
            }
        }

        return chunks;
    }

    /// <summary>The assembled completion, or null with the reason when the stream is not cacheable.</summary>
    public static (byte[]? Completion, string? Reason) Assemble(Recording recording)
    {
        var assembler = new StreamAssembler();
        foreach (var chunk in Chunks(recording))
        {
            assembler.Add(new ReadOnlySequence<byte>(chunk));
        }

        return (assembler.Build(), assembler.NotCacheableReason);
    }

    /// <summary>
    /// What the cache keeps of a non-streamed answer: OpenAI's fields (provider extras such as Azure's filter
    /// results dropped), refusal and logprobs null when a provider left them out, empty content or annotations as none.
    /// </summary>
    public static JsonNode Kept(JsonNode answer)
    {
        var kept = Pick(answer, "id", "object", "created", "model", "choices", "usage", "service_tier", "system_fingerprint");
        kept["choices"] = new JsonArray([.. answer["choices"]!.AsArray().Select(choice =>
        {
            var message = Pick(choice!["message"]!, "role", "content", "refusal", "reasoning_content", "tool_calls", "annotations");
            message["content"] = (string?)message["content"] is { Length: > 0 } content ? content : null;
            message["refusal"] ??= null;
            if (message["annotations"] is JsonArray { Count: 0 })
            {
                message.Remove("annotations");
            }

            var kept = Pick(choice, "index", "logprobs", "finish_reason");
            kept["message"] = message;
            kept["logprobs"] ??= null;
            return (JsonNode)kept;
        })]);
        return kept;
    }

    /// <summary>A copy of the named properties that the node has.</summary>
    private static JsonObject Pick(JsonNode node, params string[] names)
    {
        var picked = new JsonObject();
        foreach (var name in names)
        {
            if (node.AsObject().TryGetPropertyValue(name, out var value))
            {
                picked[name] = value?.DeepClone();
            }
        }

        return picked;
    }
}
