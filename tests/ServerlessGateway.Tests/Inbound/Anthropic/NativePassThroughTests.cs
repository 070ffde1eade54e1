using System.Net;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Providers.Anthropic;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>
/// POST /v1/messages for a model served by an Anthropic deployment: the caller's own body goes upstream
/// with only the model name changed, and Anthropic's answer, events and errors come back as they came.
/// </summary>
public sealed class NativePassThroughTests
{
    // Odd spacing, escapes, raw UTF-8, cache_control, thinking and a field the gateway has never heard of:
    // all of it must reach Anthropic exactly as the caller wrote it.
    private const string Request =
        """{"max_tokens":300, "model" : "claude","system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"Caf\u00e9 or thé?"}]}],"thinking":{"type":"enabled","budget_tokens":2048},"metadata":{"user_id":"u-1"},"context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]}}""";

    private const string WebSearchRequest =
        """{"model":"MODEL","max_tokens":100,"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":2}],"messages":[{"role":"user","content":"News today?"}]}""";

    [Fact]
    public async Task The_callers_body_reaches_Anthropic_byte_for_byte_but_the_model_and_the_answer_comes_back_unchanged()
    {
        const string Answer = """{"id":"msg_N1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"thinking","thinking":"Hmm.","signature":"sig=="},{"type":"text","text":"Thé.","citations":null}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":40,"output_tokens":9,"service_tier":"standard"},"container":null}""";
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, Answer));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = AnthropicClient(gateway);
        client.DefaultRequestHeaders.Add("anthropic-beta", "context-management-2025-06-27,interleaved-thinking-2025-05-14");

        using var response = await client.PostAsync("/v1/messages", Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Answer, await response.Content.ReadAsStringAsync());
        Assert.Equal("anthropic", response.Headers.GetValues("x-gateway-provider").Single());

        var sent = Assert.Single(upstream.Requests);
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal(Request.Replace("\"claude\"", "\"" + AnthropicTestWire.UpstreamModel + "\"", StringComparison.Ordinal), sent.Body);
        Assert.Equal(AnthropicTestWire.ApiKey, sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.Equal("context-management-2025-06-27,interleaved-thinking-2025-05-14", sent.Headers["anthropic-beta"]);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // recorded streams end so: message_stop is still relayed, or SDKs would wait for it
    public async Task A_stream_comes_back_event_for_event_byte_for_byte(bool endsWithBlankLine)
    {
        var stream = AnthropicTestWire.TextStream("Hel", "lo")
            .Replace("event: content_block_stop", AnthropicTestWire.Event("future_event", """{"type":"future_event","x":1}""") + "event: content_block_stop", StringComparison.Ordinal);
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, endsWithBlankLine ? stream : stream.TrimEnd('\n')));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = AnthropicClient(gateway);
        var request = """{"model":"claude","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

        using var response = await client.PostAsync("/v1/messages", request);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(stream, await response.Content.ReadAsStringAsync());
        Assert.Equal(request.Replace("\"claude\"", "\"" + AnthropicTestWire.UpstreamModel + "\"", StringComparison.Ordinal), upstream.LastRequest.Body);
        Assert.DoesNotContain("stream_options", upstream.LastRequest.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(529, "overloaded_error", "Overloaded", null)]
    [InlineData(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", "7")]
    [InlineData(400, "invalid_request_error", "messages.0.content.0.source: unknown file", null)]
    [InlineData(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", null)]
    public async Task Anthropics_errors_come_back_with_their_own_status_type_and_body(int status, string type, string message, string? retryAfter)
    {
        var error = AnthropicTestWire.Error(type, message);
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, status, error, retryAfter is null ? [] : [("retry-after", retryAfter)]));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = AnthropicClient(gateway);

        using var response = await client.PostAsync("/v1/messages", """{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(error, await response.Content.ReadAsStringAsync());
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_error_that_belongs_to_the_request_is_not_retried_elsewhere_and_an_overload_is()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("from second")));
        var config = AnthropicTestWire.WithAnthropic(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), first.BaseUrl), second.BaseUrl, "unused", provider: "anthropic2");
        config["Gateway"]!["Models"]!["claude"] = GatewayHost.Deployments(("anthropic", "claude-a"), ("anthropic2", "claude-b"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = AnthropicClient(gateway);
        const string Ask = """{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";

        first.Handler = c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded"));
        using var failedOver = await client.PostAsync("/v1/messages", Ask);
        first.Handler = c => Respond.Json(c, 400, AnthropicTestWire.Error("invalid_request_error", "bad"));
        using var refused = await client.PostAsync("/v1/messages", Ask);

        Assert.Equal(AnthropicTestWire.Message("from second"), await failedOver.Content.ReadAsStringAsync());
        Assert.Equal("2", failedOver.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Contains("\"model\":\"claude-b\"", second.LastRequest.Body, StringComparison.Ordinal);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task What_only_Anthropic_can_take_is_served_by_Anthropic_and_refused_by_an_OpenAI_format_deployment()
    {
        await using var anthropic = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("searched")));
        await using var openai = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("never")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(("gpt", openai.BaseUrl)), anthropic.BaseUrl);
        config["Gateway"]!["Models"]!["gpt-then-claude"] = GatewayHost.Deployments(("up0", "gpt-x"), ("anthropic", "claude-x"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = AnthropicClient(gateway);

        using var native = await client.PostAsync("/v1/messages", WebSearchRequest.Replace("MODEL", "claude", StringComparison.Ordinal));
        using var refused = await client.PostAsync("/v1/messages", WebSearchRequest.Replace("MODEL", "gpt", StringComparison.Ordinal));
        using var passedOn = await client.PostAsync("/v1/messages", WebSearchRequest.Replace("MODEL", "gpt-then-claude", StringComparison.Ordinal));

        Assert.Equal(AnthropicTestWire.Message("searched"), await native.Content.ReadAsStringAsync());
        Assert.Equal(400, (int)refused.StatusCode);
        var error = AnthropicEvents.AssertError(await refused.Content.ReadAsStringAsync(), "invalid_request_error");
        Assert.StartsWith("tools.0.type: 'web_search_20250305' is a tool Anthropic runs itself", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(AnthropicTestWire.Message("searched"), await passedOn.Content.ReadAsStringAsync());
        Assert.Equal("2", passedOn.Headers.GetValues("x-gateway-attempts").Single());

        Assert.Empty(openai.Requests); // nothing was sent to the deployment that could not take it
        Assert.Equal(2, anthropic.Requests.Count);
        Assert.All(anthropic.Requests, r => Assert.Equal("web_search_20250305", JsonNode.Parse(r.Body)!["tools"]![0]!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task When_the_Anthropic_deployment_is_overloaded_and_the_other_cannot_take_the_request_the_caller_hears_of_the_overload()
    {
        await using var anthropic = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var openai = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("never")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(("gpt", openai.BaseUrl)), anthropic.BaseUrl);
        config["Gateway"]!["Models"]!["claude-then-gpt"] = GatewayHost.Deployments(("anthropic", "claude-x"), ("up0", "gpt-x"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = AnthropicClient(gateway);

        using var response = await client.PostAsync("/v1/messages", WebSearchRequest.Replace("MODEL", "claude-then-gpt", StringComparison.Ordinal));

        // Worth retrying (an SDK does), unlike the refusal the second deployment would have given.
        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(AnthropicTestWire.Error("overloaded_error", "Overloaded"), await response.Content.ReadAsStringAsync());
        Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task An_overloaded_Anthropic_deployment_fails_over_to_an_OpenAI_compatible_one_answering_in_Anthropics_format()
    {
        await using var anthropic = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var openai = await FakeUpstream.StartAsync(c => c.Request.Headers.Accept.ToString().Contains("event-stream", StringComparison.Ordinal)
            ? Respond.Sse(c, [OpenAIWire.Chunk("From ", role: true), OpenAIWire.Chunk("GPT.", finish: "stop"), OpenAIWire.UsageChunk(21, 3)])
            : Respond.Json(c, 200, OpenAIWire.Completion("From GPT.")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(("gpt", openai.BaseUrl)), anthropic.BaseUrl);
        config["Gateway"]!["Models"]!["claude-then-gpt"] = GatewayHost.Deployments(("anthropic", "claude-x"), ("up0", "gpt-x"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = AnthropicClient(gateway);

        using var answer = await client.PostAsync("/v1/messages", """{"model":"claude-then-gpt","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":"Who are you?"}]}""");
        using var stream = await client.PostAsync("/v1/messages", """{"model":"claude-then-gpt","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Who are you?"}]}""");

        var message = AnthropicEvents.AssertMessage(await Json.ReadAsync(answer));
        Assert.Equal("From GPT.", message.Text);
        Assert.Equal("2", answer.Headers.GetValues("x-gateway-attempts").Single());
        var streamed = AnthropicEvents.AssertCompleteStream(AnthropicEvents.Parse(await stream.Content.ReadAsStringAsync()));
        Assert.Equal("From GPT.", streamed.Text);
        Assert.Equal(21, streamed.Usage!["input_tokens"]!.GetValue<int>());

        // The OpenAI-format deployment got the translation, with the deployment's own model name.
        var translated = JsonNode.Parse(openai.Requests.First().Body)!;
        Assert.Equal("gpt-x", translated["model"]!.GetValue<string>());
        Assert.Equal("system", translated["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(2, anthropic.Requests.Count);
    }

    internal static HttpClient AnthropicClient(GatewayHost gateway)
    {
        var client = gateway.CreateClient(null);
        client.DefaultRequestHeaders.Add("x-api-key", GatewayHost.Key);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }
}
