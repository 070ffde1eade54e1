using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>POST /v1/messages through the real app against an OpenAI-compatible fake upstream.</summary>
public sealed class AnthropicMessagesEndpointTests
{
    private const string Request = """{"model":"gpt","max_tokens":64,"system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}""";
    private const string StreamRequest = """{"model":"gpt","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    [Fact]
    public async Task A_message_is_translated_to_chat_completions_and_answered_as_an_Anthropic_message()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("Hi there")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("up0/upstream-gpt", response.Headers.GetValues("x-gateway-deployment").Single());
        AnthropicEvents.AssertJsonEqual(
            """
            {"id":"msg_chatcmpl-test1","type":"message","role":"assistant","model":"gpt-4o-mini-2024-07-18",
             "content":[{"type":"text","text":"Hi there"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":8,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":4}}
            """,
            await Json.ReadAsync(response));

        var sent = upstream.LastRequest;
        Assert.Equal("/v1/chat/completions", sent.PathAndQuery);
        Assert.Equal("Bearer sk-upstream-secret", sent.Headers["Authorization"]);
        AnthropicEvents.AssertJsonEqual(
            """{"model":"upstream-gpt","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],"max_completion_tokens":64}""",
            JsonNode.Parse(sent.Body));
    }

    [Fact]
    public async Task A_stream_comes_back_as_Anthropic_events_with_the_usage_the_gateway_asked_for()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c,
        [
            OpenAIWire.Chunk("Hel", role: true),
            OpenAIWire.Chunk("lo", finish: "stop"),
            OpenAIWire.UsageChunk(20, 2),
        ]));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", StreamRequest);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var message = AnthropicEvents.AssertCompleteStream(AnthropicEvents.Parse(await response.Content.ReadAsStringAsync()));
        Assert.Equal("Hello", message.Text);
        Assert.Equal("end_turn", message.StopReason);
        Assert.Equal(20, message.Usage!["input_tokens"]!.GetValue<int>());
        Assert.Equal(2, message.Usage!["output_tokens"]!.GetValue<int>());

        var sent = JsonNode.Parse(upstream.LastRequest.Body)!;
        Assert.True(sent["stream"]!.GetValue<bool>());
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_mock_provider_serves_messages_streamed_with_usage()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", """{"model":"mock-echo","max_tokens":20,"stream":true,"messages":[{"role":"user","content":"echo these words"}]}""");

        var message = AnthropicEvents.AssertCompleteStream(AnthropicEvents.Parse(await response.Content.ReadAsStringAsync()));
        Assert.Equal("echo these words", message.Text);
        Assert.True(message.Usage!["output_tokens"]!.GetValue<int>() > 0);
    }

    [Theory]
    [InlineData(null, 401, "authentication_error", "x-api-key header is required")]
    [InlineData("sk-wrong", 401, "authentication_error", "Incorrect API key")]
    [InlineData(GatewayHost.RestrictedKey, 403, "permission_error", "not allowed to use the model 'gpt'")]
    public async Task Keys_are_read_from_x_api_key_and_refusals_are_Anthropic_errors(string? key, int status, string type, string message)
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", "http://127.0.0.1:9")));
        using var client = AnthropicClient(gateway, key);

        using var response = await client.PostAsync("/v1/messages", Request);

        Assert.Equal(status, (int)response.StatusCode);
        var error = AnthropicEvents.AssertError(await response.Content.ReadAsStringAsync(), type);
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"nope","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", 404, "not_found_error", "The model 'nope' does not exist")]
    [InlineData("""{"model":"gpt","messages":[{"role":"user","content":"x"}]}""", 400, "invalid_request_error", "max_tokens: Field required")]
    [InlineData("""{"model":"gpt","max_tokens":5,"messages":[{"role":"user","content":"x"}""", 400, "invalid_request_error", "not valid JSON")]
    public async Task Bad_requests_get_Anthropic_errors_with_the_request_id(string body, int status, string type, string message)
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", "http://127.0.0.1:9")));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", body);

        Assert.Equal(status, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var error = AnthropicEvents.AssertError(text, type);
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), JsonNode.Parse(text)!["request_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(400, "invalid_request_error")]
    [InlineData(503, "api_error")]
    public async Task Upstream_errors_keep_status_message_and_retry_after(int status, string type)
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, status, OpenAIWire.Error("Upstream says no", status == 400 ? "invalid_request_error" : "server_error"), ("retry-after", "7")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", StreamRequest);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = AnthropicEvents.AssertError(await response.Content.ReadAsStringAsync(), type);
        Assert.Equal("Upstream says no", error["message"]!.GetValue<string>());
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task A_stream_the_upstream_cuts_ends_with_an_error_event_and_no_message_stop()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("partial", role: true));
            await Task.Delay(300); // a reset discards unread data: let the chunk be read first
            c.Abort();
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", StreamRequest);

        var events = AnthropicEvents.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Name));
        Assert.Equal("partial", events[2].Data["delta"]!["text"]!.GetValue<string>());
        Assert.Equal("api_error", events[^1].Data["error"]!["type"]!.GetValue<string>());
        Assert.DoesNotContain(events, e => e.Name is "message_stop" or "message_delta");
    }

    [Fact]
    public async Task An_error_an_OpenAI_format_upstream_sends_mid_stream_is_the_one_error_event_with_its_message()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c,
            [OpenAIWire.Chunk("partial", role: true), """{"error":{"message":"Model crashed.","type":"server_error","param":null,"code":null}}"""], done: false));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", StreamRequest);

        var events = AnthropicEvents.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Name));
        Assert.Equal("Model crashed.", events[^1].Data["error"]!["message"]!.GetValue<string>());
        Assert.Equal("api_error", events[^1].Data["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_silent_upstream_gets_ping_events()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("a", role: true));
            await Task.Delay(2500, c.RequestAborted); // the relay checks for silence once a second: at least one check sees over a second
            await Respond.Event(c, OpenAIWire.Chunk("b", finish: "stop"));
            await Respond.Event(c, "[DONE]");
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["StreamKeepAliveSeconds"] = 1;
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var response = await client.PostAsync("/v1/messages", StreamRequest);

        var events = AnthropicEvents.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(events, e => e.Name == "ping" && e.Data.ToJsonString() == """{"type":"ping"}""");
        Assert.Equal("ab", AnthropicEvents.AssertCompleteStream(events).Text);
    }

    [Fact]
    public async Task Count_tokens_counts_the_translated_prompt_like_the_token_counter_does()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt-4o", "http://127.0.0.1:9")));
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var bare = await client.PostAsync("/v1/messages/count_tokens", """{"model":"gpt-4o","messages":[{"role":"user","content":"How many tokens is this sentence?"}]}""");
        using var withSystem = await client.PostAsync("/v1/messages/count_tokens",
            """{"model":"gpt-4o","system":"You are terse.","messages":[{"role":"user","content":"How many tokens is this sentence?"}]}""");
        using var reference = await gateway.Client.PostAsync("/utils/token_counter",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"How many tokens is this sentence?"}]}""");

        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        var bareCount = (await Json.ReadAsync(bare))["input_tokens"]!.GetValue<int>();
        Assert.Equal((await Json.ReadAsync(reference))["total_tokens"]!.GetValue<int>(), bareCount);
        Assert.True((await Json.ReadAsync(withSystem))["input_tokens"]!.GetValue<int>() > bareCount);
    }

    [Fact]
    public async Task Count_tokens_refuses_like_the_messages_api()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        using var anonymous = AnthropicClient(gateway, null);
        using var restricted = AnthropicClient(gateway, GatewayHost.RestrictedKey);
        using var client = AnthropicClient(gateway, GatewayHost.Key);

        using var unauthenticated = await anonymous.PostAsync("/v1/messages/count_tokens", "{}");
        using var forbidden = await restricted.PostAsync("/v1/messages/count_tokens", """{"model":"mock-embedding","messages":[{"role":"user","content":"x"}]}""");
        using var invalid = await client.PostAsync("/v1/messages/count_tokens", """{"model":"mock-echo","messages":[]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        AnthropicEvents.AssertError(await unauthenticated.Content.ReadAsStringAsync(), "authentication_error");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        AnthropicEvents.AssertError(await forbidden.Content.ReadAsStringAsync(), "permission_error");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        AnthropicEvents.AssertError(await invalid.Content.ReadAsStringAsync(), "invalid_request_error");
    }

    /// <summary>A client that sends its key the way Anthropic SDKs do.</summary>
    private static HttpClient AnthropicClient(GatewayHost gateway, string? key)
    {
        var client = gateway.CreateClient(null);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }
}
