using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Providers.Anthropic;

namespace ServerlessGateway.Tests.Sdk;

/// <summary>
/// The official Anthropic C# SDK pointed at the gateway's /v1/messages, served by an Anthropic deployment
/// (native pass-through) and, when that one is overloaded, by an OpenAI-compatible one (translation).
/// </summary>
public sealed class AnthropicNativeSdkTests
{
    [Fact]
    public async Task A_message_comes_back_typed_and_the_SDKs_request_reaches_Anthropic_as_it_sent_it()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("Bonjour!", input: 10, output: 3, cacheRead: 25)));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = Client(gateway);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude",
            MaxTokens = 100,
            System = "Answer in French.",
            Messages = [new UserMessageParam("Hello")],
        });

        Assert.True(message.Content.Single().TryPickText(out var text));
        Assert.Equal("Bonjour!", text.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal((10, 25, 3), (message.Usage.InputTokens, message.Usage.CacheReadInputTokens, message.Usage.OutputTokens));
        var sent = JsonNode.Parse(Assert.Single(upstream.Requests).Body)!;
        Assert.Equal(AnthropicTestWire.UpstreamModel, sent["model"]!.GetValue<string>());
        Assert.Equal("Answer in French.", sent["system"]!.GetValue<string>()); // a string stays a string: no round trip
        Assert.Equal(100, sent["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_streamed_tool_call_aggregates_to_its_tool_use_block()
    {
        // Current API versions name the tool's caller, and the SDK insists on it.
        var stream = AnthropicTestWire.ToolStream("toolu_1", "get_weather", "{\"city\":", " \"Paris\"}")
            .Replace("\"input\":{}", "\"input\":{},\"caller\":{\"type\":\"direct\"}", StringComparison.Ordinal);
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, stream));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = Client(gateway);

        var message = await client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude",
            MaxTokens = 100,
            Messages = [new UserMessageParam("Weather in Paris?")],
            Tools = [WeatherTool()],
        }).Aggregate();

        Assert.True(message.Content.Single().TryPickToolUse(out var toolUse));
        Assert.Equal(("toolu_1", "get_weather", "Paris"), (toolUse.ID, toolUse.Name, toolUse.Input["city"].GetString()));
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.Equal(25, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task A_server_tool_reaches_Anthropic_untranslated()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("Searched.")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = Client(gateway);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude",
            MaxTokens = 100,
            Messages = [new UserMessageParam("News today?")],
            Tools = [new WebSearchTool20250305 { MaxUses = 2 }],
        });

        Assert.True(message.Content.Single().TryPickText(out var text));
        Assert.Equal("Searched.", text.Text);
        var tool = JsonNode.Parse(upstream.LastRequest.Body)!["tools"]![0]!;
        Assert.Equal("web_search_20250305", tool["type"]!.GetValue<string>());
        Assert.Equal(2, tool["max_uses"]!.GetValue<int>());
    }

    [Fact]
    public async Task Anthropics_overload_reaches_the_SDK_as_an_overload()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = Client(gateway);

        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() =>
            client.Messages.Create(new MessageCreateParams { Model = "claude", MaxTokens = 10, Messages = [new UserMessageParam("hi")] }));

        Assert.IsType<AnthropicOverloadedException>(error, exactMatch: false);
        Assert.Contains("Overloaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_event_mid_stream_raises_instead_of_ending_as_a_whole_answer()
    {
        var stream = AnthropicTestWire.TextStream("Par");
        stream = stream[..stream.IndexOf("event: content_block_stop", StringComparison.Ordinal)]
            + AnthropicTestWire.Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, stream));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = Client(gateway);

        var error = await Assert.ThrowsAnyAsync<AnthropicException>(() =>
            client.Messages.CreateStreaming(new MessageCreateParams { Model = "claude", MaxTokens = 10, Messages = [new UserMessageParam("hi")] }).Aggregate());

        Assert.Contains("Overloaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overloaded_Anthropic_deployment_fails_over_to_an_OpenAI_compatible_one_unnoticed()
    {
        await using var anthropic = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var openai = await FakeUpstream.StartAsync(c => c.Request.Headers.Accept.ToString().Contains("event-stream", StringComparison.Ordinal)
            ? Respond.Sse(c, [OpenAIWire.Chunk("Served ", role: true), OpenAIWire.Chunk("anyway.", finish: "stop"), OpenAIWire.UsageChunk(30, 5)])
            : Respond.Json(c, 200, OpenAIWire.Completion("Served anyway.")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(("gpt", openai.BaseUrl)), anthropic.BaseUrl);
        config["Gateway"]!["Models"]!["claude-then-gpt"] = GatewayHost.Deployments(("anthropic", "claude-x"), ("up0", "gpt-x"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = Client(gateway);
        var parameters = new MessageCreateParams { Model = "claude-then-gpt", MaxTokens = 100, Messages = [new UserMessageParam("Anyone there?")] };

        var message = await client.Messages.Create(parameters);
        var streamed = await client.Messages.CreateStreaming(parameters).Aggregate();

        Assert.True(message.Content.Single().TryPickText(out var text));
        Assert.Equal("Served anyway.", text.Text);
        Assert.True(streamed.Content.Single().TryPickText(out var streamedText));
        Assert.Equal("Served anyway.", streamedText.Text);
        Assert.Equal((30, 5), (streamed.Usage.InputTokens, streamed.Usage.OutputTokens));
        Assert.Equal(2, anthropic.Requests.Count);
        Assert.All(openai.Requests, r => Assert.Equal("gpt-x", JsonNode.Parse(r.Body)!["model"]!.GetValue<string>()));
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
