using System.Text;

namespace ServerlessGateway.LoadBench;

/// <summary>
/// A fast OpenAI-compatible upstream: a fixed ~840-byte chat.completion, or (for "stream":true)
/// N chat.completion.chunk events, a usage chunk when stream_options.include_usage is asked, and [DONE].
/// </summary>
public static class MockUpstream
{
    private static readonly byte[] StreamFlag = "\"stream\":true"u8.ToArray();
    private static readonly byte[] UsageFlag = "\"include_usage\":true"u8.ToArray();

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var json = Encoding.UTF8.GetBytes(Completion());
        var chunks = Enumerable.Range(0, options.Chunks).Select(i => Encoding.UTF8.GetBytes("data: " + Chunk(i, options.Chunks) + "\n\n")).ToArray();
        var usage = Encoding.UTF8.GetBytes("data: " + UsageChunk() + "\n\n");
        var done = "data: [DONE]\n\n"u8.ToArray();

        var app = BenchHost.CreateApp(options.Port);
        app.MapPost("/v1/chat/completions", async context =>
        {
            var body = await BenchHost.ReadBodyAsync(context.Request);
            if (options.LatencyMs > 0)
            {
                await Task.Delay(options.LatencyMs);
            }

            if (body.AsSpan().IndexOf(StreamFlag) < 0)
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = json.Length;
                await context.Response.Body.WriteAsync(json);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in chunks)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
                if (options.ChunkDelayMs > 0)
                {
                    await Task.Delay(options.ChunkDelayMs);
                }
            }

            if (body.AsSpan().IndexOf(UsageFlag) >= 0)
            {
                await context.Response.Body.WriteAsync(usage);
            }

            await context.Response.Body.WriteAsync(done);
        });
        await app.RunAsync();
        return 0;
    }

    private static string Completion() =>
        """{"id":"chatcmpl-bench0000000000000000000000001","object":"chat.completion","created":1731000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"An API gateway is a single entry point that sits in front of a set of backend services, routing each request to the right service and applying cross-cutting policies such as authentication, rate limiting and caching. It lets clients talk to one stable endpoint while the services behind it change, scale and fail independently.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":62,"total_tokens":87,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_bench"}""";

    private static string Chunk(int index, int count)
    {
        var delta = index == 0 ? "\"role\":\"assistant\",\"content\":\"\",\"refusal\":null" : $"\"content\":\" word{index}\"";
        var finish = index == count - 1 ? "\"stop\"" : "null";
        return $$"""{"id":"chatcmpl-bench0000000000000000000000002","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{{{delta}}},"logprobs":null,"finish_reason":{{finish}}}]}""";
    }

    private static string UsageChunk() =>
        """{"id":"chatcmpl-bench0000000000000000000000002","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench","choices":[],"usage":{"prompt_tokens":25,"completion_tokens":19,"total_tokens":44}}""";
}
