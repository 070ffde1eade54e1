using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>The Anthropic adapter inside the real gateway, against a fake Anthropic API.</summary>
public sealed class AnthropicAdapterTests
{
    private const string Chat = """{"model":"claude","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]}""";

    [Fact]
    public async Task Chat_is_posted_to_messages_with_the_key_and_version_headers_and_answered_in_OpenAI_shape()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("Hi there", input: 20, output: 3, cacheRead: 100)));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        response.EnsureSuccessStatusCode();
        var sent = upstream.LastRequest;
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal(AnthropicTestWire.ApiKey, sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.StartsWith("application/json", sent.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal(AnthropicTestWire.UpstreamModel, body["model"]!.GetValue<string>());
        Assert.Equal("Be brief.", body["system"]![0]!["text"]!.GetValue<string>());

        Assert.Equal("anthropic", response.Headers.GetValues("x-gateway-provider").Single());
        var answer = await Json.ReadAsync(response);
        Assert.Equal("chat.completion", answer["object"]!.GetValue<string>());
        Assert.Equal("Hi there", answer["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(120, answer["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(100, answer["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stream_arrives_as_OpenAI_chunks_ending_in_DONE()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, AnthropicTestWire.TextStream("Hel", "lo", "!")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.Parse(upstream.LastRequest.Body)!["stream"]!.GetValue<bool>());
        Assert.Equal("text/event-stream", upstream.LastRequest.Headers["Accept"]);
        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync());
        Assert.Equal(SseTranscript.Done, payloads[^1]);
        Assert.Equal("Hello!", StreamAssembly.Assemble(payloads)["choice0.content"]);
        var usage = JsonNode.Parse(payloads[^2])!["usage"]!;
        Assert.Equal(20, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(9, usage["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stream_cut_before_message_stop_ends_with_an_error_and_no_DONE()
    {
        var full = AnthropicTestWire.TextStream("Half", " an answer");
        var cut = full[..full.IndexOf("event: content_block_stop", StringComparison.Ordinal)];
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, cut));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(SseTranscript.Done, payloads);
        Assert.Equal("Half an answer", StreamAssembly.Assemble(payloads)["choice0.content"]);
        Assert.Equal("upstream_stream_incomplete", JsonNode.Parse(payloads[^1])!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_error_event_mid_stream_reaches_the_caller_with_Anthropics_message_and_no_DONE()
    {
        var sse = AnthropicTestWire.TextStream("Par");
        sse = sse[..sse.IndexOf("event: content_block_stop", StringComparison.Ordinal)]
            + AnthropicTestWire.Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, sse));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(SseTranscript.Done, payloads);
        // Anthropic's error is the one in-band error: the relay adds none of its own after it.
        var error = Assert.Single(payloads, p => JsonNode.Parse(p)!["error"] is not null);
        Assert.Equal(error, payloads[^1]);
        Assert.Equal("overloaded_error", JsonNode.Parse(error)!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("Overloaded", JsonNode.Parse(error)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_Anthropic_cannot_serve_moves_on_to_a_deployment_that_can()
    {
        await using var anthropic = await FakeUpstream.StartAsync();
        await using var openai = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, c.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal) ? OpenAIWire.Embeddings() : OpenAIWire.Completion("from OpenAI")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(("gpt", openai.BaseUrl)), anthropic.BaseUrl);
        config["Gateway"]!["Models"]!["claude"] = GatewayHost.Deployments(("anthropic", AnthropicTestWire.UpstreamModel), ("up0", "gpt-4o"));
        await using var gateway = await GatewayHost.StartAsync(config);

        using var twoChoices = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}],"n":2}""");
        using var embeddings = await gateway.Client.PostAsync("/v1/embeddings", """{"model":"claude","input":"hi"}""");

        twoChoices.EnsureSuccessStatusCode();
        Assert.Equal("2", twoChoices.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Equal("up0/gpt-4o", twoChoices.Headers.GetValues("x-gateway-deployment").Single());
        embeddings.EnsureSuccessStatusCode();
        Assert.Equal("2", embeddings.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Equal("list", (await Json.ReadAsync(embeddings))["object"]!.GetValue<string>());
        Assert.Empty(anthropic.Requests);
    }

    [Fact]
    public async Task A_request_that_cannot_be_translated_is_refused_before_anything_is_sent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var badArguments = await gateway.Client.PostAsync("/v1/chat/completions",
            """{"model":"claude","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}""");
        using var embeddings = await gateway.Client.PostAsync("/v1/embeddings", """{"model":"claude","input":"hi"}""");

        await Json.AssertErrorAsync(badArguments, 400);
        Assert.Equal("unsupported_by_provider", JsonNode.Parse(await embeddings.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(400, (int)embeddings.StatusCode);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task An_answer_that_is_not_an_Anthropic_message_is_a_502()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, "[1,2,3]"));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        await Json.AssertErrorAsync(response, 502, "upstream_invalid_response");
    }

    [Fact]
    public void The_embedded_defaults_serve_claude_sonnet_4_from_Anthropic_once_its_key_is_set()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(ConfigurationSources.OpenDefaults()).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);
        GatewaySnapshot Build(string? key) => new GatewaySnapshotBuilder(new EnvironmentReferences(n => n == "ANTHROPIC_API_KEY" ? key : null), TimeProvider.System).Build(options).Snapshot!;

        var without = Build(null);
        var with = Build("sk-ant-real");

        Assert.False(without.Models["claude-sonnet-4"].IsServable);
        Assert.Empty(without.Problems); // optional: switched off quietly
        var deployment = with.Models["claude-sonnet-4"].Deployments.Single();
        Assert.Equal("anthropic", deployment.Provider.Type);
        Assert.Equal("sk-ant-real", deployment.Provider.ApiKey);
        Assert.Equal("https://api.anthropic.com/v1", deployment.BaseUri!.AbsoluteUri.TrimEnd('/'));
    }
}
