using System.Buffers;
using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using ServerlessGateway.Accounting;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.MicroBench;

/// <summary>The pieces every request goes through, each on its own, with allocations.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const string Small = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Explain in two sentences what an API gateway does."}],"max_tokens":64,"stream":true}""";

    private readonly byte[] completion = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1","object":"chat.completion","created":1731000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"An API gateway is a single entry point in front of backend services.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":62,"total_tokens":87,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""");

    private byte[] smallBody = [];
    private byte[] largeBody = [];
    private byte[] stream = [];
    private Deployment deployment = null!;
    private KeyTable keys = null!;
    private PooledBody small = null!;
    private ChatRequest parsed = null!;

    [GlobalSetup]
    public void Setup()
    {
        smallBody = Encoding.UTF8.GetBytes(Small);
        var history = string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"role":"{{(i % 2 == 0 ? "user" : "assistant")}}","content":"{{new string('x', 380)}} turn {{i}}"}"""));
        largeBody = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","messages":[{{history}}],"max_tokens":64}""");
        stream = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20).Select(i => $$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" word{{i}}"},"logprobs":null,"finish_reason":null}]}""" + "\n\n")) + "data: [DONE]\n\n");
        var provider = new ProviderRuntime { Name = "p", Type = ProviderTypes.OpenAI, AuthMode = ProviderAuthModes.Bearer, ApiKey = "k", StreamUsage = true, Mock = new MockOptions() };
        deployment = new Deployment
        {
            Name = "p/gpt-4o-mini",
            Provider = provider,
            UpstreamModel = "gpt-4o-mini-2024-07-18",
            UpstreamModelJson = "\"gpt-4o-mini-2024-07-18\""u8.ToArray(),
            ChatCompletionsUri = new Uri("http://127.0.0.1:1/v1/chat/completions"),
            EmbeddingsUri = null,
        };
        keys = new KeyTable(new Dictionary<string, CallerIdentity> { [KeyTable.HashSecret("sk-bench-key-000000001")] = new("bench", false, null) }.ToFrozenDictionary());
        small = PooledBody.FromBytes(smallBody);
        parsed = ChatRequestParser.Parse(small).Value!;
    }

    [Benchmark]
    public ChatRequest? ParseSmallChat() => ChatRequestParser.Parse(PooledBody.FromBytes(smallBody)).Value;

    [Benchmark]
    public ChatRequest? ParseLongConversation16KB() => ChatRequestParser.Parse(PooledBody.FromBytes(largeBody)).Value;

    [Benchmark]
    public async Task<long> ForwardBodyWithEdits()
    {
        using var content = ForwardedBody.For(parsed, deployment);
        await content.CopyToAsync(Stream.Null);
        return content.Headers.ContentLength ?? 0;
    }

    [Benchmark]
    public CallerIdentity? AuthenticateKey() => keys.Find("sk-bench-key-000000001");

    [Benchmark]
    public TokenUsage? ReadUsageFromCompletion() =>
        OpenAIUsageReader.TryRead(new ReadOnlySequence<byte>(completion), out var usage, out _) ? usage : null;

    [Benchmark]
    public int ParseAndRelaySseStream20Chunks()
    {
        var parser = new SseParser();
        var output = new Pipe();
        var buffer = new ReadOnlySequence<byte>(stream);
        var events = 0;
        while (parser.TryReadEvent(ref buffer, out var sseEvent))
        {
            if (!sseEvent.IsDone)
            {
                SseWriter.WriteData(output.Writer, sseEvent.Data);
                events++;
            }
        }

        output.Writer.Complete();
        output.Reader.Complete();
        return events;
    }
}
