using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Replay;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>Builds OpenAI chunk streams for the tests and runs them through the assembler and the replay.</summary>
internal static class ReplayKit
{
    public const string Id = "chatcmpl-test1";

    /// <summary>One chunk of a stream: one choice's delta (JSON text), as OpenAI writes them.</summary>
    public static string Delta(int index, string delta, string? finish = null, string logprobs = "null", bool usageNull = false)
    {
        var chunk = Header();
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = index,
            ["delta"] = JsonNode.Parse(delta),
            ["logprobs"] = JsonNode.Parse(logprobs),
            ["finish_reason"] = finish,
        });
        if (usageNull)
        {
            chunk["usage"] = null;
        }

        chunk["obfuscation"] = "Qup1BsQ3";
        return chunk.ToJsonString();
    }

    /// <summary>The usage-only chunk that ends a stream with include_usage.</summary>
    public static string UsageChunk(int prompt = 12, int completion = 7)
    {
        var chunk = Header();
        chunk["choices"] = new JsonArray();
        chunk["usage"] = new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        };
        return chunk.ToJsonString();
    }

    /// <summary>The assembled completion of the chunks; fails the test when the assembler calls it not cacheable.</summary>
    public static byte[] Assemble(IEnumerable<string> chunks) => Assemble(chunks.Select(Encoding.UTF8.GetBytes));

    public static byte[] Assemble(IEnumerable<byte[]> chunks)
    {
        var assembler = new StreamAssembler();
        foreach (var chunk in chunks)
        {
            assembler.Add(new ReadOnlySequence<byte>(chunk));
        }

        var completion = assembler.Build();
        Assert.True(completion is not null, "not cacheable: " + assembler.NotCacheableReason);
        return completion;
    }

    /// <summary>As <see cref="Assemble(IEnumerable{byte[]})"/>, each chunk handed over in several small segments, as a pipe may.</summary>
    public static byte[] AssembleSegmented(IEnumerable<string> chunks, int segmentBytes)
    {
        var assembler = new StreamAssembler();
        foreach (var bytes in chunks.Select(Encoding.UTF8.GetBytes))
        {
            var cuts = Enumerable.Range(1, (bytes.Length - 1) / segmentBytes).Select(i => i * segmentBytes).ToArray();
            assembler.Add(Sequences.Split(bytes, cuts));
        }

        return assembler.Build() ?? throw new InvalidOperationException(assembler.NotCacheableReason);
    }

    /// <summary>The chunks a replay writes; fails the test when the replay refuses the completion.</summary>
    public static List<byte[]> ReplayChunks(byte[] completion, bool includeUsage, int chunkChars = 64)
    {
        var sink = new RecordingChunkSink();
        Assert.True(CompletionReplay.TryWrite(completion, sink, includeUsage, new ReplayOptions { ChunkChars = chunkChars }), "replay refused the completion");
        Assert.False(sink.Ended); // the caller ends the stream, not the replay
        return sink.Chunks;
    }

    /// <summary>A replay as the gateway sends it to an OpenAI caller: through the OpenAI SSE sink, ending with [DONE].</summary>
    public static byte[] ReplayAsSse(byte[] completion, bool includeUsage, int chunkChars = 64)
    {
        using var body = new MemoryStream();
        var pipe = PipeWriter.Create(body);
        var sink = new OpenAISseSink(pipe);
        Assert.True(CompletionReplay.TryWrite(completion, sink, includeUsage, new ReplayOptions { ChunkChars = chunkChars }), "replay refused the completion");
        sink.Done();
        pipe.Complete();
        return body.ToArray();
    }

    public static JsonNode Parse(byte[] json) => JsonNode.Parse(json)!;

    /// <summary>Asserts two JSON documents are equal, whatever their property order, showing both when not.</summary>
    public static void AssertSameJson(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected:\n{expected?.ToJsonString()}\nactual:\n{actual?.ToJsonString()}");

    private static JsonObject Header() => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = 1731000000,
        ["model"] = "gpt-4o-2024-08-06",
        ["service_tier"] = "default",
        ["system_fingerprint"] = "fp_1",
    };
}
