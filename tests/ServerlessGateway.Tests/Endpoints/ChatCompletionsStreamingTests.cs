using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints;

/// <summary>Streaming through the real app: chunk by chunk, usage handling, cuts and disconnects.</summary>
public sealed class ChatCompletionsStreamingTests
{
    private const string StreamRequest = """{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Each_chunk_reaches_the_client_before_the_upstream_sends_the_next()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("Hel", role: true));
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the upstream holds back until the client has the first chunk
            await Respond.Event(c, OpenAIWire.Chunk("lo", finish: "stop"));
            await Respond.Event(c, OpenAIWire.UsageChunk());
            await Respond.Event(c, "[DONE]");
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(OpenAIWire.Chunk("Hel", role: true), await events.NextAsync().WaitAsync(TimeSpan.FromSeconds(5)));
            gate.SetResult();
            var rest = await events.RestAsync();

            // The gateway asked for usage for its own accounting; the caller did not, so it gets no usage chunk.
            Assert.Equal([OpenAIWire.Chunk("lo", finish: "stop"), "[DONE]"], rest);
        }

        var sent = JsonNode.Parse(upstream.LastRequest.Body)!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_caller_that_asks_for_usage_gets_the_usage_chunk()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("a", "stop", role: true), OpenAIWire.UsageChunk(7, 1)]));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions",
            """{"model":"gpt","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("a", "stop", role: true), OpenAIWire.UsageChunk(7, 1), "[DONE]"], await events.RestAsync());
        }
    }

    [Fact]
    public async Task A_stream_cut_after_the_first_chunk_ends_with_an_error_event_and_no_done()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("partial", role: true));

            // A reset discards data the peer has not read yet, so give the chunk time to be read first.
            await Task.Delay(300);
            c.Abort();
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.True(gateway.Logs.Entries.IsEmpty, string.Join("\n", gateway.Logs.Entries));
            Assert.Equal(OpenAIWire.Chunk("partial", role: true), all[0]);
            Assert.DoesNotContain("[DONE]", all);
            var error = JsonNode.Parse(all[^1])!["error"]!;
            Assert.Equal("upstream_stream_incomplete", error["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task An_error_the_upstream_sends_mid_stream_is_the_one_error_relayed_as_it_came()
    {
        const string UpstreamError = """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""";
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("partial", role: true));
            await Respond.Event(c, UpstreamError);
            await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default); // only the gateway ends it
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("partial", role: true), UpstreamError], await events.RestAsync());
            await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_stream_that_ends_without_done_is_reported_incomplete()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("a", role: true)], done: false));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.Equal(2, all.Count);
            Assert.Contains("upstream_stream_incomplete", all[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_event_fails_over_to_the_next_deployment()
    {
        await using var broken = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            c.Abort();
        });
        await using var healthy = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("ok", "stop", role: true)]));
        var config = GatewayHost.Config(("gpt", broken.BaseUrl), ("spare", healthy.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"] = GatewayHost.Deployments(("up0", "upstream-gpt"), ("up1", "upstream-spare"));
        await using var gateway = await GatewayHost.StartAsync(config);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("ok", "stop", role: true), "[DONE]"], await events.RestAsync());
            Assert.Equal("up1/upstream-spare", response.Headers.GetValues("x-gateway-deployment").Single());
            Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_upstream_call()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("thinking", role: true));
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var cancel = new CancellationTokenSource();
        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest, cancel.Token);
        Assert.NotNull(await events.NextAsync(cancel.Token));
        await cancel.CancelAsync();
        events.Dispose();
        response.Dispose();

        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_silent_upstream_gets_keep_alive_comments_and_is_cut_after_its_idle_timeout()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Respond.Event(c, OpenAIWire.Chunk("a", role: true));
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["StreamKeepAliveSeconds"] = 1;
        config["Gateway"]!["Providers"]!["up0"]!["Timeouts"] = new JsonObject { ["IdleSeconds"] = 1.5 }; // the total (5 s) is not what ends it
        await using var gateway = await GatewayHost.StartAsync(config);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamRequest);
        using (response)
        using (events)
        {
            var all = await events.RestAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(gateway.Logs.Entries.IsEmpty, string.Join("\n", gateway.Logs.Entries));
            Assert.Contains(": keep-alive", all);
            Assert.DoesNotContain("[DONE]", all);
            var error = JsonNode.Parse(all[^1])!["error"]!;
            Assert.Equal("upstream_stream_incomplete", error["code"]!.GetValue<string>());
            Assert.Equal("The upstream deployment 'up0/upstream-gpt' sent nothing for 1.5 s (idle time-out); the answer above is incomplete.", error["message"]!.GetValue<string>());
        }

        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_upstream_error_status_on_a_stream_request_is_returned_as_json_before_any_event()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, StatusCodes.Status400BadRequest, OpenAIWire.Error("Bad tool schema", code: "invalid_schema")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", StreamRequest);

        Assert.Equal("Bad tool schema", await Json.AssertErrorAsync(response, 400, "invalid_schema"));
    }
}
