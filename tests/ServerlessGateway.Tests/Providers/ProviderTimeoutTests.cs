using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers;

/// <summary>
/// Each deployment time limit through the real gateway: connect, first token and total before the answer
/// starts (the next deployment is tried, with the limit's own reason), and the total once a stream has
/// started (an in-band error). The idle limit's stall test is in Endpoints/ChatCompletionsStreamingTests.
/// </summary>
public sealed class ProviderTimeoutTests
{
    private const string Chat = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamChat = """{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_connect_timeout_fails_over_with_its_reason_and_names_the_limit()
    {
        using var hanging = await UnacceptingListener.StartAsync();
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from spare")));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(hanging.BaseUrl, spare.BaseUrl, new JsonObject { ["ConnectSeconds"] = 0.3 }), services: tap.Install);
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from spare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(4));
        var failure = tap.Failure();
        Assert.Equal((FailureReasons.ConnectTimeout, FailureAction.TryNextDeployment, 504), (failure.Reason, failure.Action, failure.Error.Status));
        Assert.Equal("The upstream deployment 'up0/upstream-gpt' did not accept a connection within 0.3 s (connect time-out).", failure.Error.Message);
    }

    [Fact]
    public async Task A_slow_first_event_is_a_first_token_timeout_and_the_caller_gets_the_next_deployments_stream()
    {
        await using var slow = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);
            await Respond.Event(c, OpenAIWire.Chunk("too late", "stop", role: true));
        });
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("on time", "stop", role: true)]));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(slow.BaseUrl, spare.BaseUrl, new JsonObject { ["FirstTokenSeconds"] = 0.3 }), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("on time", "stop", role: true), "[DONE]"], await events.RestAsync());
        }

        var failure = tap.Failure();
        Assert.Equal(FailureReasons.FirstTokenTimeout, failure.Reason);
        Assert.Equal("The upstream deployment 'up0/upstream-gpt' did not start its answer within 0.3 s (first-token time-out).", failure.Error.Message);
        await slow.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the slow call was given up, not left running
    }

    [Fact]
    public async Task A_JSON_answer_counts_its_first_token_until_its_headers_and_then_the_rest_of_the_total()
    {
        // Headers at once, then a body that never ends: past the first-token limit but within the total at first,
        // so what ends it is the total, not the first token.
        await using var stalls = await FakeUpstream.StartAsync(async c =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync("{\"id\":");
            await c.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
        });
        var tap = new AdapterTap();
        var config = GatewayHost.Config(("gpt", stalls.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["Timeouts"] = new JsonObject { ["FirstTokenSeconds"] = 0.2, ["TotalSeconds"] = 0.8 };
        await using var gateway = await GatewayHost.StartAsync(config, services: tap.Install);
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        var message = await Json.AssertErrorAsync(response, 504, "upstream_timeout");
        Assert.Equal("The upstream deployment 'up0/upstream-gpt' did not respond within 0.8 s (total time-out).", message);
        Assert.Equal(FailureReasons.Timeout, tap.Failure().Reason);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.75), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task A_JSON_answer_whose_headers_are_late_is_a_first_token_timeout()
    {
        await using var late = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
            await Respond.Json(c, 200, OpenAIWire.Completion());
        });
        var tap = new AdapterTap();
        var config = GatewayHost.Config(("gpt", late.BaseUrl));
        config["Gateway"]!["Providers"]!["up0"]!["Timeouts"] = new JsonObject { ["FirstTokenSeconds"] = 0.3 };
        await using var gateway = await GatewayHost.StartAsync(config, services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.EndsWith("did not start its answer within 0.3 s (first-token time-out).", await Json.AssertErrorAsync(response, 504, "upstream_timeout"), StringComparison.Ordinal);
        Assert.Equal(FailureReasons.FirstTokenTimeout, tap.Failure().Reason);
    }

    [Fact]
    public async Task A_stream_that_runs_past_its_total_ends_with_an_error_event_and_no_done()
    {
        await using var endless = await FakeUpstream.StartAsync(async c =>
        {
            await Respond.StartSse(c);
            for (var i = 0; !c.RequestAborted.IsCancellationRequested; i++)
            {
                await Respond.Event(c, OpenAIWire.Chunk("w" + i, role: i == 0));
                await Task.Delay(TimeSpan.FromMilliseconds(50), c.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        var config = GatewayHost.Config(("gpt", endless.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["Timeouts"] = new JsonObject { ["TotalSeconds"] = 0.8 };
        await using var gateway = await GatewayHost.StartAsync(config);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(all.Count > 3, string.Join("\n", all)); // the answer had started and kept coming
            Assert.DoesNotContain("[DONE]", all);
            var error = JsonNode.Parse(all[^1])!["error"]!;
            Assert.Equal("upstream_stream_incomplete", error["code"]!.GetValue<string>());
            Assert.Equal("The upstream deployment 'up0/upstream-gpt' did not finish its answer within 0.8 s (total time-out); the answer above is incomplete.", error["message"]!.GetValue<string>());
        }

        await endless.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_stream_answer_that_is_not_SSE_fails_over_before_its_first_event()
    {
        await using var garbled = await FakeUpstream.StartAsync(c => Respond.Raw(c, "text/event-stream", "<html><body>502 Bad Gateway</body></html>"u8.ToArray()));
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("ok", "stop", role: true)]));
        var tap = new AdapterTap();
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(garbled.BaseUrl, spare.BaseUrl, []), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("ok", "stop", role: true), "[DONE]"], await events.RestAsync());
        }

        Assert.Equal(FailureReasons.StreamFailedBeforeFirstEvent, tap.Failure().Reason);
    }

    [Fact]
    public async Task A_malformed_chunk_mid_stream_is_relayed_as_it_came_and_breaks_nothing()
    {
        // Pass-through relays chunks byte for byte; one that mentions usage is parsed for accounting, and a broken
        // one must neither crash the relay nor end the stream.
        const string Broken = """{"id":"chatcmpl-x","choices":[],"usage":{"prompt_tokens":1""";
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("a", role: true), Broken, OpenAIWire.Chunk("b", "stop")]));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("a", role: true), Broken, OpenAIWire.Chunk("b", "stop"), "[DONE]"], await events.RestAsync());
        }

        Assert.True(gateway.Logs.Entries.IsEmpty, string.Join("\n", gateway.Logs.Entries));
    }

    /// <summary>Model "gpt": deployment 0 at <paramref name="primary"/> with <paramref name="timeouts"/>, deployment 1 at <paramref name="spare"/>.</summary>
    private static JsonObject TwoDeployments(string primary, string spare, JsonObject timeouts)
    {
        var config = GatewayHost.Config(("gpt", primary), ("spare", spare));
        var deployments = GatewayHost.Deployments(("up0", "upstream-gpt"), ("up1", "upstream-spare"));
        deployments["Deployments"]![0]!["Timeouts"] = timeouts;
        config["Gateway"]!["Models"]!["gpt"] = deployments;
        return config;
    }
}
