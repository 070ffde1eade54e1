using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Caching;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Caching;

/// <summary>The exact cache end to end, through the official OpenAI SDK and raw HTTP where headers matter.</summary>
public sealed class ExactCachePipelineTests
{
    private const string Deterministic = """{"model":"chat","temperature":0,"messages":[{"role":"user","content":"What is 2+2?"}]}""";

    private static ChatClient Sdk(CacheRig rig, string key = CacheRig.KeyA) =>
        new("chat", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(rig.Gateway.BaseUrl + "/v1") });

    private static async Task<(HttpResponseMessage Response, string Body)> PostAsync(HttpClient client, string json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(json) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Fact]
    public async Task A_deterministic_request_is_answered_once_upstream_and_then_from_the_cache_with_the_saving_recorded()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();

        var (first, firstBody) = await PostAsync(client, Deterministic);
        await rig.StoredAsync();
        var (second, secondBody) = await PostAsync(client, Deterministic);

        Assert.Equal(1, rig.UpstreamCalls);
        Assert.Equal(("miss", "hit"), (Header(first, "x-gateway-cache"), Header(second, "x-gateway-cache")));
        Assert.Equal(firstBody, secondBody);
        Assert.Contains("answer 1", secondBody, StringComparison.Ordinal);
        Assert.Equal("0", Header(second, "x-gateway-cost-usd"));
        var firstRecord = await rig.RecordAsync(Header(first, "x-request-id"));
        var hitRecord = await rig.RecordAsync(Header(second, "x-request-id"));
        Assert.True(firstRecord.CostUsd > 0);
        Assert.Equal(("miss", "hit"), (firstRecord.CacheStatus, hitRecord.CacheStatus));
        Assert.Equal((0m, firstRecord.CostUsd), (hitRecord.CostUsd, hitRecord.SavedCostUsd));
        Assert.Equal(ModelPrice.CostHeaderValue(firstRecord.CostUsd), Header(second, "x-gateway-saved-usd"));
        Assert.Null(hitRecord.Deployment);
    }

    [Fact]
    public async Task The_sdk_gets_a_streamed_replay_of_an_answer_cached_from_a_plain_one_and_the_reverse()
    {
        await using var rig = await CacheRig.StartAsync();
        var chat = Sdk(rig);
        var options = new ChatCompletionOptions { Temperature = 0 };

        ChatCompletion plain = await chat.CompleteChatAsync([new UserChatMessage("Stream me later")], options);
        await rig.StoredAsync();
        var pieces = new List<string>();
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream me later")], options))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
        }

        Assert.Equal(plain.Content[0].Text, string.Concat(pieces));
        Assert.NotNull(usage); // the SDK asked for the usage chunk: the replay carries the original usage
        Assert.Equal(plain.Usage.TotalTokenCount, usage.TotalTokenCount);
        Assert.Equal(1, rig.UpstreamCalls);
    }

    [Fact]
    public async Task A_streamed_answer_is_assembled_and_served_whole_to_a_later_plain_request()
    {
        await using var rig = await CacheRig.StartAsync(streamUpstream: true);
        var chat = Sdk(rig);
        var options = new ChatCompletionOptions { Temperature = 0 };
        var streamed = new List<string>();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Assemble me")], options))
        {
            streamed.AddRange(update.ContentUpdate.Select(p => p.Text));
        }

        await rig.StoredAsync();
        ChatCompletion plain = await chat.CompleteChatAsync([new UserChatMessage("Assemble me")], options);

        Assert.Equal("answer 1", string.Concat(streamed));
        Assert.Equal("answer 1", plain.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, plain.FinishReason);
        Assert.Equal(1, rig.UpstreamCalls);
    }

    [Fact]
    public async Task An_answer_a_stream_cannot_carry_serves_plain_callers_and_a_streaming_caller_gets_a_miss_whose_answer_replaces_it()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        const string FunctionCall = """{"id":"chatcmpl-f","object":"chat.completion","created":1731000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"function_call":{"name":"lookup","arguments":"{}"}},"finish_reason":"function_call"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}""";
        rig.Override = context => Respond.Json(context, 200, FunctionCall);
        await PostAsync(client, Deterministic);
        await rig.StoredAsync();

        var (plainHit, plainBody) = await PostAsync(client, Deterministic);
        rig.Override = context => Respond.Sse(context, [OpenAIWire.Chunk("streamed", role: true), OpenAIWire.Chunk(" text", "stop"), OpenAIWire.UsageChunk()]);
        var (streamed, streamBody) = await PostAsync(client, Deterministic.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true", StringComparison.Ordinal));
        await rig.StoredAsync();
        var (replaced, replacedBody) = await PostAsync(client, Deterministic);

        Assert.Equal(("hit", "miss", "hit"), (Header(plainHit, "x-gateway-cache"), Header(streamed, "x-gateway-cache"), Header(replaced, "x-gateway-cache")));
        Assert.Equal(FunctionCall, plainBody);
        Assert.Contains("streamed", streamBody, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", streamBody, StringComparison.Ordinal);
        Assert.Contains("streamed text", replacedBody, StringComparison.Ordinal); // the assembled stream took the entry's place
        Assert.Equal(2, rig.UpstreamCalls);
        Assert.Equal(1, rig.Stats[CacheCounter.NotReplayable]);
    }

    [Fact]
    public async Task A_request_with_temperature_is_not_cached_unless_the_caller_opts_in_or_gives_a_seed()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        const string Creative = """{"model":"chat","temperature":0.9,"messages":[{"role":"user","content":"A poem"}]}""";
        const string Seeded = """{"model":"chat","temperature":0.9,"seed":7,"messages":[{"role":"user","content":"A poem"}]}""";

        await PostAsync(client, Creative);
        var (again, _) = await PostAsync(client, Creative);
        Assert.Equal(2, rig.UpstreamCalls);
        Assert.Equal("", Header(again, "x-gateway-cache"));

        await PostAsync(client, Creative, ("x-gateway-cache", "on"));
        await rig.StoredAsync();
        var (optedIn, _) = await PostAsync(client, Creative, ("x-gateway-cache", "on"));
        Assert.Equal("hit", Header(optedIn, "x-gateway-cache"));

        await PostAsync(client, Seeded);
        await rig.StoredAsync();
        var (seeded, _) = await PostAsync(client, Seeded);
        Assert.Equal("hit", Header(seeded, "x-gateway-cache"));
        Assert.Equal(4, rig.UpstreamCalls);
    }

    [Fact]
    public async Task One_key_never_receives_another_keys_cached_answer()
    {
        await using var rig = await CacheRig.StartAsync();
        using var a = rig.Client(CacheRig.KeyA);
        using var b = rig.Client(CacheRig.KeyB);

        await PostAsync(a, Deterministic);
        await rig.StoredAsync();
        var (other, otherBody) = await PostAsync(b, Deterministic);
        var (same, _) = await PostAsync(a, Deterministic);

        Assert.Equal(("miss", "hit"), (Header(other, "x-gateway-cache"), Header(same, "x-gateway-cache")));
        Assert.Contains("answer 2", otherBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_no_store_no_cache_and_max_age_do_what_they_say()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await using var rig = await CacheRig.StartAsync(time: time);
        using var client = rig.Client();

        var (unstored, _) = await PostAsync(client, Deterministic, ("cache-control", "no-store"));
        await rig.StoredAsync();
        Assert.Equal("miss", Header((await PostAsync(client, Deterministic, ("x-gateway-cache-namespace", "other"))).Response, "x-gateway-cache"));
        Assert.Equal("miss", Header((await PostAsync(client, Deterministic)).Response, "x-gateway-cache")); // no-store kept it out
        await rig.StoredAsync();
        Assert.Equal("hit", Header((await PostAsync(client, Deterministic)).Response, "x-gateway-cache"));
        Assert.Equal("hit", Header((await PostAsync(client, Deterministic, ("x-gateway-cache-namespace", "other"))).Response, "x-gateway-cache"));

        var (refreshed, refreshedBody) = await PostAsync(client, Deterministic, ("x-gateway-cache-force-refresh", "true"));
        Assert.Equal("miss", Header(refreshed, "x-gateway-cache"));
        await rig.StoredAsync();
        var (afterRefresh, afterRefreshBody) = await PostAsync(client, Deterministic);
        Assert.Equal(refreshedBody, afterRefreshBody);

        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal("miss", Header((await PostAsync(client, Deterministic, ("cache-control", "max-age=60"))).Response, "x-gateway-cache"));
        Assert.Equal("miss", Header(unstored, "x-gateway-cache"));
        Assert.Equal("hit", Header(afterRefresh, "x-gateway-cache"));
    }

    [Fact]
    public async Task An_entry_expires_after_its_ttl_and_a_callers_ttl_is_honoured()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await using var rig = await CacheRig.StartAsync(c => c["DefaultTtlSeconds"] = 600, time);
        using var client = rig.Client();
        const string Short = """{"model":"chat","temperature":0,"messages":[{"role":"user","content":"short-lived"}],"cache":{"ttl":30}}""";

        await PostAsync(client, Deterministic);
        await PostAsync(client, Short);
        await rig.StoredAsync();
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("miss", Header((await PostAsync(client, Short)).Response, "x-gateway-cache"));
        Assert.Equal("hit", Header((await PostAsync(client, Deterministic)).Response, "x-gateway-cache"));
        time.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal("miss", Header((await PostAsync(client, Deterministic)).Response, "x-gateway-cache"));
    }

    [Fact]
    public async Task The_body_cache_object_is_honoured_and_never_reaches_the_upstream()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        const string WithCache = """{"model":"chat","cache":{"use-cache":true,"namespace":"n1"},"temperature":1,"messages":[{"role":"user","content":"hi"}]}""";

        await PostAsync(client, WithCache);
        var forwarded = JsonNode.Parse(rig.Upstream.LastRequest.Body)!.AsObject();
        await rig.StoredAsync();
        var (second, _) = await PostAsync(client, WithCache);

        Assert.False(forwarded.ContainsKey("cache"));
        Assert.Equal(1.0, forwarded["temperature"]!.GetValue<double>());
        Assert.Equal("hit", Header(second, "x-gateway-cache"));
    }

    [Theory]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"cache":{"no_store":true}}""", null, "cache.no_store")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"cache":{"ttl":"10"}}""", null, "cache.ttl")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"cache":"yes"}""", null, "cache")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", "x-gateway-cache-ttl", "x-gateway-cache-ttl")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", "x-gateway-cache", "x-gateway-cache")]
    public async Task A_directive_the_gateway_cannot_read_is_a_400_naming_it(string body, string? header, string param)
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();

        var (response, _) = header is null ? await PostAsync(client, body) : await PostAsync(client, body, (header, "sometimes"));

        var error = (await Json.ReadAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("invalid_request_error", param), (error["type"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Equal(0, rig.UpstreamCalls);
    }

    [Fact]
    public async Task A_failed_or_cut_answer_is_never_stored()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        rig.Override = c => Respond.Json(c, 500, OpenAIWire.Error("boom", "server_error"));
        await PostAsync(client, Deterministic);
        rig.Override = c => Respond.Sse(c, [OpenAIWire.Chunk("half", role: true)], done: false);
        var (cut, events) = await SseClient.OpenAsync(client, "/v1/chat/completions", """{"model":"chat","temperature":0,"stream":true,"messages":[{"role":"user","content":"What is 2+2?"}]}""");
        using (cut)
        using (events)
        {
            while (await events.NextAsync() is not null)
            {
            }
        }

        rig.Override = null;
        await rig.StoredAsync();
        var (fresh, body) = await PostAsync(client, Deterministic);

        Assert.Equal("miss", Header(fresh, "x-gateway-cache"));
        Assert.Contains("answer 1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fallback_models_answer_is_not_stored_under_the_primarys_key()
    {
        await using var rig = await CacheRig.StartAsync(configure: gateway =>
        {
            gateway["Models"]!["chat"]!["Fallbacks"] = new JsonArray("chat-b");
            gateway["Models"]!["chat-b"] = GatewayHost.Deployments(("up", "gpt-4o"));
        });
        using var client = rig.Client();
        rig.Override = c => rig.Upstream.LastRequest.Body.Contains("\"gpt-4o\"", StringComparison.Ordinal)
            ? Respond.Json(c, 200, OpenAIWire.Completion("from the fallback"))
            : Respond.Json(c, 503, OpenAIWire.Error("down", "server_error"));

        var (first, firstBody) = await PostAsync(client, Deterministic);
        await rig.StoredAsync();
        rig.Override = null;
        var (second, secondBody) = await PostAsync(client, Deterministic);

        Assert.Contains("from the fallback", firstBody, StringComparison.Ordinal);
        Assert.Equal(("miss", "miss"), (Header(first, "x-gateway-cache"), Header(second, "x-gateway-cache")));
        Assert.Contains("answer 1", secondBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_that_carries_an_error_is_not_stored()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        rig.Override = c => Respond.Json(c, 200, OpenAIWire.Error("upstream said no inside a 200"));

        await PostAsync(client, Deterministic);
        await rig.StoredAsync();
        rig.Override = null;
        var (second, body) = await PostAsync(client, Deterministic);

        Assert.Equal("miss", Header(second, "x-gateway-cache"));
        Assert.Contains("answer 1", body, StringComparison.Ordinal);
        Assert.Equal(1, rig.Stats[CacheCounter.NotStorable]);
    }

    [Fact]
    public async Task Embeddings_are_cached_exactly()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();
        const string Embed = """{"model":"embed","input":"cache me"}""";

        using var first = await client.PostAsync("/v1/embeddings", Json.Body(Embed));
        await rig.StoredAsync();
        using var second = await client.PostAsync("/v1/embeddings", Json.Body(Embed));

        Assert.Equal("hit", Header(second, "x-gateway-cache"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, rig.UpstreamCalls);
    }
}
