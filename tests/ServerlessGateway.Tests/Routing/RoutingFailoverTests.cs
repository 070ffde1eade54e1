using System.ClientModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

/// <summary>Breakers, cool-downs, retries, fallbacks, queueing and the decision trace, through the real gateway.</summary>
public sealed class RoutingFailoverTests
{
    private const string Request = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Once_the_breaker_opens_a_dead_primary_costs_nothing_and_latency_is_the_fallbacks()
    {
        await using var primary = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(250);
            await Respond.Json(c, 503, OpenAIWire.Error("primary down", "server_error"));
        });
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        var config = Config(primary, fallback);
        config["Gateway"]!["Resilience"] = new JsonObject { ["Breaker"] = new JsonObject { ["ConsecutiveFailures"] = 3, ["OpenSeconds"] = 60 } };
        await using var gateway = await GatewayHost.StartAsync(config);

        var latencies = new List<double>();
        for (var i = 0; i < 13; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Contains("from fallback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            if (i >= 3)
            {
                Assert.Equal("1", response.Headers.GetValues("x-gateway-attempts").Single());
                Assert.Contains("skip up0/upstream=open", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(3, primary.Requests.Count);
        Assert.All(latencies.Take(3), ms => Assert.True(ms >= 250, $"{ms} ms: the primary's failure was waited for"));
        var afterOpen = latencies.Skip(3).Order().ToArray();
        Assert.True(afterOpen[afterOpen.Length / 2] < 100, $"p50 after the breaker opened: {afterOpen[afterOpen.Length / 2]} ms");
    }

    [Fact]
    public async Task A_429_with_Retry_After_moves_to_the_next_candidate_and_keeps_the_first_out_until_it_passes()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var calls = 0;
        await using var primary = await FakeUpstream.StartAsync(c => Interlocked.Increment(ref calls) == 1
            ? Respond.Json(c, 429, OpenAIWire.Error("slow down", "requests", "rate_limit_exceeded"), ("retry-after", "20"))
            : Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        await using var gateway = await GatewayHost.StartAsync(Config(primary, fallback), time: time);

        Assert.Contains("from fallback", await ChatAsync(gateway), StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Contains("from fallback", await ChatAsync(gateway), StringComparison.Ordinal);
        Assert.Single(primary.Requests);

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Contains("from primary", await ChatAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_only_deployment_is_retried_after_a_transient_failure()
    {
        var calls = 0;
        await using var upstream = await FakeUpstream.StartAsync(c => Interlocked.Increment(ref calls) == 1
            ? Respond.Json(c, 502, OpenAIWire.Error("bad gateway", "server_error"))
            : Respond.Json(c, 200, OpenAIWire.Completion("second time lucky")));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        var trace = response.Headers.GetValues("x-gateway-route").Single();
        Assert.Matches("^gpt/ordered; up0/upstream-gpt=502 [0-9]+ms; retry [0-9]+ms; up0/upstream-gpt=ok [0-9]+ms$", trace);
    }

    [Fact]
    public async Task A_retry_does_not_go_through_a_breaker_its_own_failure_opened()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 503, OpenAIWire.Error("down", "server_error")));
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Resilience"] = new JsonObject
        {
            ["Breaker"] = new JsonObject { ["ConsecutiveFailures"] = 1 },
            ["Retry"] = new JsonObject { ["MaxRetries"] = 3, ["BaseDelayMs"] = 10 },
        };
        await using var gateway = await GatewayHost.StartAsync(config);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        await Json.AssertErrorAsync(response, 503);
        Assert.Single(upstream.Requests);
        Assert.EndsWith("skip up0/upstream-gpt=open", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAI_SDK_sees_no_error_through_a_full_primary_outage_when_a_fallback_model_exists()
    {
        await using var backup = await FakeUpstream.StartAsync(c => c.Request.Headers.Accept.ToString().Contains("event-stream", StringComparison.Ordinal)
            ? Respond.Sse(c, [OpenAIWire.Chunk("from ", role: true), OpenAIWire.Chunk("backup", finish: "stop")])
            : Respond.Json(c, 200, OpenAIWire.Completion("from backup")));
        var config = GatewayHost.Config(("backup", backup.BaseUrl));
        var gatewaySection = config["Gateway"]!;
        gatewaySection["Providers"]!["dead"] = new JsonObject { ["Type"] = "openai-compatible", ["BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}/v1", ["Auth"] = "none" };
        gatewaySection["Models"]!["gpt"] = new JsonObject
        {
            ["Deployments"] = new JsonArray(new JsonObject { ["Provider"] = "dead", ["Model"] = "gpt-4o" }),
            ["Fallbacks"] = new JsonArray("backup"),
        };
        await using var gateway = await GatewayHost.StartAsync(config);
        var client = new ChatClient("gpt", new ApiKeyCredential(GatewayHost.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

        for (var i = 0; i < 8; i++)
        {
            ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hello")]);
            Assert.Equal("from backup", completion.Content[0].Text);

            var streamed = "";
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hello")]))
            {
                streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));
            }

            Assert.Equal("from backup", streamed);
        }
    }

    [Fact]
    public async Task A_provider_saying_the_prompt_is_too_long_moves_to_the_long_context_model()
    {
        await using var small = await FakeUpstream.StartAsync(c => Respond.Json(c, 400,
            OpenAIWire.Error("This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", code: "context_length_exceeded")));
        await using var big = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from the long-context model")));
        var config = GatewayHost.Config(("gpt", small.BaseUrl), ("gpt-long", big.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["LongContextModel"] = "gpt-long";
        await using var gateway = await GatewayHost.StartAsync(config);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("from the long-context model", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("too long: gpt-long", response.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_waits_for_a_saturated_deployment_instead_of_failing()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(300);
            await Respond.Json(c, 200, OpenAIWire.Completion("served"));
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["MaxConcurrency"] = 1;
        await using var gateway = await GatewayHost.StartAsync(config);

        var first = gateway.Client.PostAsync("/v1/chat/completions", Request);
        await Task.Delay(100);
        using var second = await gateway.Client.PostAsync("/v1/chat/completions", Request);
        using var firstResponse = await first;

        Assert.Equal(200, (int)firstResponse.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Contains("queued", second.Headers.GetValues("x-gateway-route").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_queue_a_saturated_deployment_is_a_clear_429_with_Retry_After()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(500);
            await Respond.Json(c, 200, OpenAIWire.Completion("served"));
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["MaxConcurrency"] = 1;
        config["Gateway"]!["Resilience"] = new JsonObject { ["Queue"] = new JsonObject { ["MaxWaitMs"] = 0 } };
        await using var gateway = await GatewayHost.StartAsync(config);

        var first = gateway.Client.PostAsync("/v1/chat/completions", Request);
        await Task.Delay(150);
        using var second = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("at capacity", await Json.AssertErrorAsync(second, 429, "deployments_saturated"), StringComparison.Ordinal);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal(200, (int)(await first).StatusCode);
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task Interactive_requests_are_woken_before_batch_ones()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(200);
            await Respond.Json(c, 200, OpenAIWire.Completion("served"));
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["MaxConcurrency"] = 1;
        config["Gateway"]!["Resilience"] = new JsonObject { ["Queue"] = new JsonObject { ["MaxWaitMs"] = 5000 } };
        await using var gateway = await GatewayHost.StartAsync(config);

        var busy = Send("first", null);
        await Task.Delay(80);
        var batch = Send("batch", "batch");
        await Task.Delay(80);
        var interactive = Send("interactive", null);
        await Task.WhenAll(busy, batch, interactive);

        // The upstream records requests in the order they arrive.
        Assert.Equal(["first", "interactive", "batch"], upstream.Requests.Select(r => JsonNode.Parse(r.Body)!["user"]!.GetValue<string>()));

        async Task Send(string tag, string? priority)
        {
            var body = $$$"""{"model":"gpt","user":"{{{tag}}}","messages":[{"role":"user","content":"hi"}]}""";
            using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            if (priority is not null)
            {
                message.Headers.Add("x-gateway-priority", priority);
            }

            using var response = await gateway.Client.SendAsync(message);
            Assert.Equal(200, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task A_configured_status_fails_over_although_the_request_seemed_at_fault()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 400, OpenAIWire.Error("The response was filtered", code: "content_filter")));
        await using var fallback = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from fallback")));
        var config = Config(primary, fallback);
        await using (var plain = await GatewayHost.StartAsync(config))
        {
            using var refused = await plain.Client.PostAsync("/v1/chat/completions", Request);
            await Json.AssertErrorAsync(refused, 400, "content_filter");
        }

        config["Gateway"]!["Models"]!["gpt"]!["FailoverOnStatus"] = new JsonArray(400);
        await using var gateway = await GatewayHost.StartAsync(config);

        Assert.Contains("from fallback", await ChatAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_deadline_ends_an_attempt_that_would_outlive_it_with_a_504()
    {
        await using var upstream = await FakeUpstream.StartAsync(async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4), c.RequestAborted);
            await Respond.Json(c, 200, OpenAIWire.Completion());
        });
        var config = GatewayHost.Config(("gpt", upstream.BaseUrl));
        config["Gateway"]!["Resilience"] = new JsonObject { ["RequestDeadlineSeconds"] = 1 };
        await using var gateway = await GatewayHost.StartAsync(config);

        var watch = Stopwatch.StartNew();
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("deadline of 1 s", await Json.AssertErrorAsync(response, 504, "deadline_exceeded"), StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 3);
    }

    [Fact]
    public async Task A_fallback_model_is_held_to_its_own_per_model_limits()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 503, OpenAIWire.Error("primary down", "server_error")));
        await using var backup = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from backup")));
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("backup", backup.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"]!["Fallbacks"] = new JsonArray("backup");
        config["Gateway"]!["Resilience"] = new JsonObject { ["Breaker"] = new JsonObject { ["Enabled"] = false }, ["Retry"] = new JsonObject { ["MaxRetries"] = 0 } };
        config["Gateway"]!["Keys"]!.AsArray().Add(new JsonObject
        {
            ["Name"] = "limited", ["Key"] = "sk-test-limited-0005",
            ["Limits"] = new JsonObject { ["PerModel"] = new JsonObject { ["backup"] = new JsonObject { ["RequestsPerMinute"] = 1 } } },
        });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient("sk-test-limited-0005");

        using var first = await client.PostAsync("/v1/chat/completions", Request);
        using var second = await client.PostAsync("/v1/chat/completions", Request);

        Assert.Contains("from backup", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("'backup'", await Json.AssertErrorAsync(second, 429, "rate_limit_exceeded"), StringComparison.Ordinal);
        Assert.Single(backup.Requests);
        Assert.Equal(2, primary.Requests.Count);
    }

    private static async Task<string> ChatAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Request);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A model "gpt" over two OpenAI-compatible deployments, primary first; no same-deployment retries.</summary>
    private static JsonObject Config(FakeUpstream primary, FakeUpstream fallback)
    {
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("other", fallback.BaseUrl));
        var models = config["Gateway"]!["Models"]!;
        models["gpt"] = new JsonObject
        {
            ["Deployments"] = new JsonArray(
                new JsonObject { ["Provider"] = "up0", ["Model"] = "upstream" },
                new JsonObject { ["Provider"] = "up1", ["Model"] = "upstream" }),
        };
        return config;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
