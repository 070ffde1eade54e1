using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Sdk;

/// <summary>The official OpenAI .NET SDK, pointed at the gateway and changing nothing else.</summary>
public sealed class OpenAISdkTests
{
    private static OpenAIClientOptions Options(GatewayHost gateway) => new() { Endpoint = new Uri(gateway.BaseUrl + "/v1") };

    [Fact]
    public async Task Chat_against_the_mock_echoes_the_question()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var client = new ChatClient("mock-echo", new ApiKeyCredential(GatewayHost.Key), Options(gateway));

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What is the capital of France?")]);

        Assert.Equal("What is the capital of France?", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("mock/echo", completion.Model);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_chat_arrives_in_pieces_that_add_up_to_the_answer()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var client = new ChatClient("mock-echo", new ApiKeyCredential(GatewayHost.Key), Options(gateway));

        var pieces = new List<string>();
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("one two three four")]))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
        }

        Assert.True(pieces.Count(p => p.Length > 0) >= 4);
        Assert.Equal("one two three four", string.Concat(pieces));
        Assert.NotNull(usage); // the SDK asks for stream usage; the gateway honours it
    }

    [Fact]
    public async Task A_tool_call_round_trip_reaches_the_upstream_and_comes_back_parsed()
    {
        const string ToolAnswer = """{"id":"chatcmpl-t","object":"chat.completion","created":1731000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59}}""";
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, ToolAnswer));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        var client = new ChatClient("gpt", new ApiKeyCredential(GatewayHost.Key), Options(gateway));
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], new ChatCompletionOptions { Tools = { tool } });

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", completion.ToolCalls[0].FunctionName);
        Assert.Equal("""{"city":"Paris"}""", completion.ToolCalls[0].FunctionArguments.ToString());
        Assert.Contains("\"get_weather\"", upstream.LastRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_tool_call_arguments_are_reassembled_by_the_sdk()
    {
        string[] chunks =
        [
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]},"logprobs":null,"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}""",
            OpenAIWire.UsageChunk(),
        ];
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, chunks));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        var client = new ChatClient("gpt", new ApiKeyCredential(GatewayHost.Key), Options(gateway));

        var arguments = new System.Text.StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")]))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("""{"city":"Oslo"}""", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task Embeddings_from_the_mock_are_deterministic_unit_vectors()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var client = new EmbeddingClient("mock-embedding", new ApiKeyCredential(GatewayHost.Key), Options(gateway));

        OpenAIEmbedding first = await client.GenerateEmbeddingAsync("hello world");
        OpenAIEmbedding again = await client.GenerateEmbeddingAsync("hello world");
        OpenAIEmbedding other = await client.GenerateEmbeddingAsync("something else");

        var vector = first.ToFloats().ToArray();
        Assert.Equal(256, vector.Length);
        Assert.Equal(vector, again.ToFloats().ToArray());
        Assert.NotEqual(vector, other.ToFloats().ToArray());
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public async Task Embeddings_for_several_inputs_honour_dimensions()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var client = new EmbeddingClient("mock-embedding", new ApiKeyCredential(GatewayHost.Key), Options(gateway));

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["a", "b", "c"], new EmbeddingGenerationOptions { Dimensions = 64 });

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(64, e.ToFloats().Length));
        Assert.Equal([0, 1, 2], embeddings.Select(e => e.Index));
    }

    [Fact]
    public async Task Models_lists_what_the_key_may_use()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", "http://127.0.0.1:9")));

        var all = (await new OpenAIModelClient(new ApiKeyCredential(GatewayHost.Key), Options(gateway)).GetModelsAsync()).Value;
        var restricted = (await new OpenAIModelClient(new ApiKeyCredential(GatewayHost.RestrictedKey), Options(gateway)).GetModelsAsync()).Value;

        Assert.Equal(["gpt", "mock-echo", "mock-embedding"], all.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["mock-echo"], restricted.Select(m => m.Id));
        Assert.Equal("serverless-gateway-mock", all.Single(m => m.Id == "mock-echo").OwnedBy);
    }

    [Fact]
    public async Task A_wrong_key_surfaces_as_a_401_client_error_in_the_sdk()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var client = new ChatClient("mock-echo", new ApiKeyCredential("sk-wrong-key-123"), Options(gateway));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("Incorrect API key", error.Message, StringComparison.Ordinal);
    }
}
