using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>The official OpenAI .NET SDK against an Anthropic-backed model (a fake Anthropic API), changing nothing else.</summary>
public sealed class AnthropicSdkTests
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private static ChatClient Client(GatewayHost gateway) => new(AnthropicTestWire.Model, new ApiKeyCredential(GatewayHost.Key), new OpenAIClientOptions
    {
        Endpoint = new Uri(gateway.BaseUrl + "/v1"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    [Fact]
    public async Task Chat_answers_with_Claudes_text_and_usage()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("Paris.", input: 20, output: 2, cacheRead: 1000)));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        ChatCompletion completion = await Client(gateway).CompleteChatAsync([new SystemChatMessage("Answer in one word."), new UserChatMessage("Capital of France?")]);

        Assert.Equal("Paris.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(AnthropicTestWire.UpstreamModel, completion.Model);
        Assert.Equal(1020, completion.Usage.InputTokenCount);
        Assert.Equal(1000, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(2, completion.Usage.OutputTokenCount);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!;
        Assert.Equal("Answer in one word.", sent["system"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("Capital of France?", sent["messages"]![0]!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_chat_arrives_in_pieces_with_usage_at_the_end()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, AnthropicTestWire.TextStream("The", " capital", " is", " Paris.")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        var pieces = new List<string>();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("Capital of France?")]))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("The capital is Paris.", string.Concat(pieces));
        Assert.True(pieces.Count(p => p.Length > 0) >= 4);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(20, usage.InputTokenCount);
        Assert.Equal(9, usage.OutputTokenCount);
    }

    [Fact]
    public async Task A_tool_call_round_trip_goes_through_Claude_and_back()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = c => Respond.Json(c, 200, upstream.LastRequest.Body.Contains("tool_result", StringComparison.Ordinal)
            ? AnthropicTestWire.Message("It is 18°C and sunny in Paris.")
            : AnthropicTestWire.ToolUse("toolu_01Paris", "get_weather", """{"city":"Paris"}""", text: "Let me check."));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        var client = Client(gateway);
        var options = new ChatCompletionOptions { Tools = { Weather } };
        List<ChatMessage> conversation = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion call = await client.CompleteChatAsync(conversation, options);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("toolu_01Paris", toolCall.Id);
        Assert.Equal("get_weather", toolCall.FunctionName);
        Assert.Equal("Paris", JsonNode.Parse(toolCall.FunctionArguments.ToString())!["city"]!.GetValue<string>());

        conversation.Add(new AssistantChatMessage(call));
        conversation.Add(new ToolChatMessage(toolCall.Id, """{"temperature":"18°C","sky":"sunny"}"""));
        ChatCompletion answer = await client.CompleteChatAsync(conversation, options);

        Assert.Equal("It is 18°C and sunny in Paris.", answer.Content[0].Text);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], sent.Select(m => m!["role"]!.GetValue<string>()));
        var toolUse = sent[1]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        Assert.Equal("toolu_01Paris", toolUse["id"]!.GetValue<string>());
        Assert.Equal("Paris", toolUse["input"]!["city"]!.GetValue<string>());
        var toolResult = sent[2]!["content"]![0]!;
        Assert.Equal("tool_result", toolResult["type"]!.GetValue<string>());
        Assert.Equal("toolu_01Paris", toolResult["tool_use_id"]!.GetValue<string>());
        Assert.Equal("""{"temperature":"18°C","sky":"sunny"}""", toolResult["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_streamed_tool_call_is_reassembled_by_the_sdk()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, AnthropicTestWire.ToolStream("toolu_01Oslo", "get_weather", "", "{\"ci", "ty\": \"Os", "lo\"}")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        var arguments = new StringBuilder();
        string? name = null, id = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { Weather } }))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                name ??= call.FunctionName;
                id ??= call.ToolCallId;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("toolu_01Oslo", id);
        Assert.Equal("{\"city\": \"Oslo\"}", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task A_structured_answer_comes_back_as_JSON_content()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.ToolUse("toolu_J", "json_response", """{"city":"Paris","country":"France"}""")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        var format = ChatResponseFormat.CreateJsonSchemaFormat("capital", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"],"additionalProperties":false}"""), jsonSchemaIsStrict: true);

        ChatCompletion completion = await Client(gateway).CompleteChatAsync([new UserChatMessage("Capital of France?")], new ChatCompletionOptions { ResponseFormat = format });

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Empty(completion.ToolCalls);
        Assert.Equal("Paris", JsonNode.Parse(completion.Content[0].Text)!["city"]!.GetValue<string>());
        Assert.Equal("json_response", JsonNode.Parse(upstream.LastRequest.Body)!["tool_choice"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Overloaded_Claude_surfaces_as_a_503_in_the_sdk()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway).CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(503, error.Status);
        Assert.Contains("Overloaded", error.Message, StringComparison.Ordinal);
    }
}
