using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using ServerlessGateway.Tests.Inbound.Anthropic;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Sdk;

/// <summary>
/// The official Anthropic C# SDK pointed at the gateway's /v1/messages, served by an OpenAI-compatible
/// upstream: the app speaks Anthropic's API and does not notice the model behind it speaks OpenAI's.
/// </summary>
public sealed class AnthropicSdkTests
{
    private const string ToolCallAnswer = """{"id":"chatcmpl-t","object":"chat.completion","created":1731000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59}}""";

    [Fact]
    public async Task A_message_comes_back_typed_and_validated()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("Bonjour!")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "gpt",
            MaxTokens = 100,
            System = "Answer in French.",
            Messages = [new UserMessageParam("Hello")],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Bonjour!", text.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(8, message.Usage.InputTokens);
        Assert.Equal(3, message.Usage.CacheReadInputTokens);
        Assert.Equal(4, message.Usage.OutputTokens);
        Assert.Single(upstream.Requests);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!;
        Assert.Equal("system", sent["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(100, sent["max_completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_streamed_text_answer_aggregates_to_the_whole_message()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c,
        [
            OpenAIWire.Chunk("Once ", role: true),
            OpenAIWire.Chunk("upon "),
            OpenAIWire.Chunk("a time.", finish: "stop"),
            OpenAIWire.UsageChunk(30, 5),
        ]));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);
        var parameters = new MessageCreateParams { Model = "gpt", MaxTokens = 100, Messages = [new UserMessageParam("Tell a story")] };

        var deltas = new List<string>();
        await foreach (var streamEvent in client.Messages.CreateStreaming(parameters))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
            {
                deltas.Add(text.Text);
            }
        }

        var message = await client.Messages.CreateStreaming(parameters).Aggregate();

        Assert.Equal(["Once ", "upon ", "a time."], deltas);
        Assert.True(message.Content.Single().TryPickText(out var whole));
        Assert.Equal("Once upon a time.", whole.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(30, message.Usage.InputTokens);
        Assert.Equal(5, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task A_streamed_tool_call_aggregates_to_a_tool_use_block_with_its_input()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c,
        [
            """{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"Paris\"}"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
        ]));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);

        var message = await client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "gpt",
            MaxTokens = 100,
            Messages = [new UserMessageParam("Weather in Paris?")],
            Tools = [WeatherTool()],
        }).Aggregate();

        Assert.True(message.Content.Single().TryPickToolUse(out var toolUse));
        Assert.Equal("call_7", toolUse.ID);
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("Paris", toolUse.Input["city"].GetString());
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        var sentTool = JsonNode.Parse(upstream.LastRequest.Body)!["tools"]![0]!;
        Assert.Equal("get_weather", sentTool["function"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tool_round_trip_reaches_the_upstream_as_tool_calls_and_a_tool_message()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = c => upstream.Requests.Count == 1
            ? Respond.Json(c, 200, ToolCallAnswer)
            : Respond.Json(c, 200, OpenAIWire.Completion("It is 18 degrees in Paris."));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);
        List<MessageParam> history = [new UserMessageParam("Weather in Paris?")];

        var first = await client.Messages.Create(new MessageCreateParams { Model = "gpt", MaxTokens = 100, Messages = history, Tools = [WeatherTool()] });
        Assert.Equal(StopReason.ToolUse, first.StopReason!.Value());
        Assert.True(first.Content.Single().TryPickToolUse(out var call));
        history.Add(new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input } }));
        history.Add(new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(call.ID) { Content = "18 C, sunny" } }));
        var second = await client.Messages.Create(new MessageCreateParams { Model = "gpt", MaxTokens = 100, Messages = history, Tools = [WeatherTool()] });

        Assert.True(second.Content.Single().TryPickText(out var answer));
        Assert.Equal("It is 18 degrees in Paris.", answer.Text);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!["messages"]!.AsArray();
        AnthropicEvents.AssertJsonEqual(
            """
            [{"role":"user","content":"Weather in Paris?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"call_9","content":"18 C, sunny"}]
            """,
            sent);
    }

    [Fact]
    public async Task With_thinking_on_reasoning_comes_back_as_a_thinking_block()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200,
            """{"id":"chatcmpl-r","object":"chat.completion","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"Six times seven."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":20,"completion_tokens_details":{"reasoning_tokens":15}}}"""));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "gpt",
            MaxTokens = 4000,
            Thinking = new ThinkingConfigEnabled(2048),
            Messages = [new UserMessageParam("What is six times seven?")],
        });

        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.Equal("Six times seven.", thinking.Thinking);
        Assert.True(message.Content[1].TryPickText(out var text));
        Assert.Equal("42", text.Text);
        Assert.Equal("low", JsonNode.Parse(upstream.LastRequest.Body)!["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_surface_as_the_SDK_exceptions_for_their_status()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 429, OpenAIWire.Error("Slow down", "rate_limit_exceeded"), ("retry-after", "1")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);

        var limited = await Assert.ThrowsAsync<AnthropicRateLimitException>(() =>
            client.Messages.Create(new MessageCreateParams { Model = "gpt", MaxTokens = 10, Messages = [new UserMessageParam("hi")] }));
        var missing = await Assert.ThrowsAsync<AnthropicNotFoundException>(() =>
            client.Messages.Create(new MessageCreateParams { Model = "no-such-model", MaxTokens = 10, Messages = [new UserMessageParam("hi")] }));

        Assert.Contains("Slow down", limited.Message, StringComparison.Ordinal);
        Assert.Contains("rate_limit_error", limited.ResponseBody, StringComparison.Ordinal);
        Assert.Contains("no-such-model", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_mid_answer_raises_instead_of_ending_as_a_whole_answer()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("partial", role: true));
            await Task.Delay(300);
            c.Abort();
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = Client(gateway);

        await Assert.ThrowsAnyAsync<AnthropicException>(() =>
            client.Messages.CreateStreaming(new MessageCreateParams { Model = "gpt", MaxTokens = 10, Messages = [new UserMessageParam("hi")] }).Aggregate());
    }

    private static AnthropicClient Client(GatewayHost gateway) =>
        new(new ClientOptions { BaseUrl = gateway.BaseUrl, ApiKey = GatewayHost.Key, MaxRetries = 0, ResponseValidation = true });

    private static Tool WeatherTool() => new()
    {
        Name = "get_weather",
        Description = "Weather for a city",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
            Required = ["city"],
        },
    };
}
