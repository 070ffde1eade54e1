using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tests.Inbound.Anthropic;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// Anthropic reporting an error inside a 200 stream, for OpenAI callers (translated) and Anthropic callers
/// (passed through): as the first event it is a failed attempt the next deployment can take over; later it
/// is the stream's one in-band error, after which the gateway stops reading.
/// </summary>
public sealed class AnthropicStreamFailureTests
{
    private const string Overloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";
    private const string OpenAIAsk = """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"stream":true}""";
    private const string AnthropicAsk = """{"model":"MODEL","max_tokens":20,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task An_overload_as_the_first_event_fails_over_for_an_OpenAI_caller()
    {
        await using var setup = await TwoDeploymentsAsync();

        using var failedOver = await setup.Gateway.Client.PostAsync("/v1/chat/completions", OpenAIAsk.Replace("MODEL", "claude-twice", StringComparison.Ordinal));
        using var alone = await setup.Gateway.Client.PostAsync("/v1/chat/completions", OpenAIAsk.Replace("MODEL", "claude", StringComparison.Ordinal));

        var payloads = SseTranscript.Payloads(await failedOver.Content.ReadAsStringAsync());
        Assert.Equal("From the second.", StreamAssembly.Assemble(payloads)["choice0.content"]);
        Assert.Equal(SseTranscript.Done, payloads[^1]);
        Assert.DoesNotContain(payloads, p => p.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Equal("2", failedOver.Headers.GetValues("x-gateway-attempts").Single());

        // With nowhere to go, the caller gets the overload as an error answer, not as a 200 stream.
        var message = await Json.AssertErrorAsync(alone, 503, "overloaded_error");
        Assert.Equal("Overloaded", message);
    }

    [Fact]
    public async Task An_overload_as_the_first_event_fails_over_for_an_Anthropic_caller()
    {
        await using var setup = await TwoDeploymentsAsync();
        using var client = NativePassThroughTests.AnthropicClient(setup.Gateway);

        using var failedOver = await client.PostAsync("/v1/messages", AnthropicAsk.Replace("MODEL", "claude-twice", StringComparison.Ordinal));
        using var alone = await client.PostAsync("/v1/messages", AnthropicAsk.Replace("MODEL", "claude", StringComparison.Ordinal));

        Assert.Equal(SecondStream, await failedOver.Content.ReadAsStringAsync());
        Assert.Equal("2", failedOver.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Equal(529, (int)alone.StatusCode);
        Assert.Equal("application/json", alone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Overloaded, await alone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_lone_error_event_without_its_blank_line_still_says_why_the_attempt_failed()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, "event: error\ndata: " + Overloaded));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = NativePassThroughTests.AnthropicClient(gateway);

        using var openAI = await gateway.Client.PostAsync("/v1/chat/completions", OpenAIAsk.Replace("MODEL", "claude", StringComparison.Ordinal));
        using var anthropic = await client.PostAsync("/v1/messages", AnthropicAsk.Replace("MODEL", "claude", StringComparison.Ordinal));

        await Json.AssertErrorAsync(openAI, 503, "overloaded_error");
        Assert.Equal(529, (int)anthropic.StatusCode);
        Assert.Equal(Overloaded, await anthropic.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_error_mid_stream_is_the_one_error_an_Anthropic_caller_gets_and_the_gateway_stops_reading()
    {
        var sent = Beginning() + AnthropicTestWire.Event("error", Overloaded);
        await using var upstream = await FakeUpstream.StartAsync(c => SendThenHoldAsync(c, sent));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));
        using var client = NativePassThroughTests.AnthropicClient(gateway);

        using var response = await client.PostAsync("/v1/messages", AnthropicAsk.Replace("MODEL", "claude", StringComparison.Ordinal));
        var body = await response.Content.ReadAsStringAsync();

        // Anthropic's own events up to and including its error event, as they came, and nothing after it.
        Assert.Equal(sent, body);
        Assert.Single(AnthropicEvents.Parse(body), e => e.Name == "error");
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_error_mid_stream_is_the_one_error_an_OpenAI_caller_gets_and_the_gateway_stops_reading()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => SendThenHoldAsync(c, Beginning() + AnthropicTestWire.Event("error", Overloaded)));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", OpenAIAsk.Replace("MODEL", "claude", StringComparison.Ordinal));
        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync());

        Assert.Equal("Par", StreamAssembly.Assemble(payloads.SkipLast(1))["choice0.content"]);
        var error = Assert.Single(payloads, p => JsonNode.Parse(p)!["error"] is not null);
        Assert.Equal(error, payloads[^1]);
        Assert.Equal("overloaded_error", JsonNode.Parse(error)!["error"]!["code"]!.GetValue<string>());
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private static readonly string SecondStream = AnthropicTestWire.TextStream("From ", "the second.");

    /// <summary>The start of a text answer ("Par"), before its block ends.</summary>
    private static string Beginning()
    {
        var whole = AnthropicTestWire.TextStream("Par");
        return whole[..whole.IndexOf("event: content_block_stop", StringComparison.Ordinal)];
    }

    /// <summary>Sends the events, then keeps the connection open: only the gateway can end it.</summary>
    private static async Task SendThenHoldAsync(HttpContext context, string sse)
    {
        await Respond.StartSse(context);
        await context.Response.WriteAsync(sse);
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // the gateway hung up, as it should
        }
    }

    /// <summary>"claude" on an upstream whose stream starts with an overload; "claude-twice" on that one, then a healthy one.</summary>
    private static async Task<Setup> TwoDeploymentsAsync()
    {
        var overloaded = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, AnthropicTestWire.Event("error", Overloaded)));
        var healthy = await FakeUpstream.StartAsync(c => AnthropicTestWire.Sse(c, SecondStream));
        var config = AnthropicTestWire.WithAnthropic(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), overloaded.BaseUrl), healthy.BaseUrl, "healthy", provider: "anthropic2");
        config["Gateway"]!["Models"]!["claude-twice"] = GatewayHost.Deployments(("anthropic", "claude-a"), ("anthropic2", "claude-b"));
        return new Setup(overloaded, healthy, await GatewayHost.StartAsync(config));
    }

    private sealed record Setup(FakeUpstream Overloaded, FakeUpstream Healthy, GatewayHost Gateway) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Overloaded.DisposeAsync();
            await Healthy.DisposeAsync();
        }
    }
}
