using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>A replayed stream read by the official OpenAI .NET SDK, the client callers really use.</summary>
public sealed class ReplaySdkTests
{
    private const string ToolAnswer = """
        {"id":"chatcmpl-sdk","object":"chat.completion","created":1731000000,"model":"gpt-4o","system_fingerprint":"fp_s",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Checking both cities 🌍 now.","refusal":null,"tool_calls":[
           {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}"}},
           {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Zürich\",\"unit\":\"celsius\"}"}}]},
          "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":40,"completion_tokens":30,"total_tokens":70}}
        """;

    [Fact]
    public async Task The_sdk_reassembles_the_text_the_tool_calls_the_finish_reason_and_the_usage()
    {
        var client = ClientReading(ReplayKit.ReplayAsSse(Encoding.UTF8.GetBytes(ToolAnswer), includeUsage: true, chunkChars: 5));

        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris and Zürich?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                var known = calls.TryGetValue(call.Index, out var seen) ? seen : (null, null, new StringBuilder());
                calls[call.Index] = (known.Id ?? call.ToolCallId, known.Name ?? call.FunctionName, known.Arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("Checking both cities 🌍 now.", text.ToString());
        Assert.Equal(["call_1", "call_2"], calls.Values.Select(c => c.Id));
        Assert.All(calls.Values, c => Assert.Equal("get_weather", c.Name));
        Assert.Equal("""{"city":"Zürich","unit":"celsius"}""", calls[1].Arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(70, usage?.TotalTokenCount);
    }

    [Fact]
    public async Task The_sdk_reads_a_replayed_refusal()
    {
        var answer = Encoding.UTF8.GetBytes("""
            {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that request."},"logprobs":null,"finish_reason":"stop"}]}
            """);
        var client = ClientReading(ReplayKit.ReplayAsSse(answer, includeUsage: false, chunkChars: 6));

        var refusal = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("?")]))
        {
            refusal.Append(update.RefusalUpdate);
        }

        Assert.Equal("I can't help with that request.", refusal.ToString());
    }

    private static ChatClient ClientReading(byte[] sseBody)
    {
        var options = new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(new HttpClient(new FixedAnswer(sseBody))) };
        return new ChatClient("gpt-4o", new ApiKeyCredential("sk-test"), options);
    }

    /// <summary>Answers every request with the same SSE body, as the gateway would from its cache.</summary>
    private sealed class FixedAnswer(byte[] sseBody) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(sseBody);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
