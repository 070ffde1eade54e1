using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Caching;

/// <summary>The semantic layer end to end, with the built-in local embedder: served, refused by the guard, scoped, shadowed.</summary>
public sealed class SemanticCachePipelineTests
{
    private static string Ask(string question, string? system = null, double temperature = 0.7) =>
        new JsonObject
        {
            ["model"] = "chat",
            ["temperature"] = temperature,
            ["messages"] = system is null
                ? new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question })
                : new JsonArray(new JsonObject { ["role"] = "system", ["content"] = system }, new JsonObject { ["role"] = "user", ["content"] = question }),
        }.ToJsonString();

    private static async Task<(string Cache, string Answer, HttpResponseMessage Response)> AskAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("/v1/chat/completions", Json.Body(body));
        var json = await Json.ReadAsync(response);
        var cache = response.Headers.TryGetValues("x-gateway-cache", out var values) ? values.Single() : "";
        return (cache, json["choices"]![0]!["message"]!["content"]!.GetValue<string>(), response);
    }

    private static void SemanticOn(JsonObject cache, string mode = "on") =>
        cache["Semantic"] = new JsonObject { ["Mode"] = mode, ["Embedder"] = "local", ["Threshold"] = 0.8 };

    [Fact]
    public async Task A_paraphrase_is_served_from_the_cache_with_its_similarity()
    {
        await using var rig = await CacheRig.StartAsync(c => SemanticOn(c));
        using var client = rig.Client();

        await AskAsync(client, Ask("How do I reset my password?"));
        await rig.StoredAsync();
        var (cache, answer, response) = await AskAsync(client, Ask("how do i reset my password"));

        Assert.Equal("semantic-hit", cache);
        Assert.Equal("answer 1", answer);
        Assert.True(double.Parse(response.Headers.GetValues("x-gateway-cache-similarity").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0.8);
        Assert.Equal(1, rig.UpstreamCalls);
    }

    [Theory]
    [InlineData("Turn on the kitchen lights", "Turn off the kitchen lights")]
    [InlineData("Is it safe to take ibuprofen with food?", "Is it not safe to take ibuprofen with food?")]
    [InlineData("Book a table for 2 people at 7pm", "Book a table for 4 people at 7pm")]
    public async Task A_near_miss_with_the_opposite_meaning_is_never_served(string cached, string asked)
    {
        await using var rig = await CacheRig.StartAsync(c => SemanticOn(c));
        using var client = rig.Client();

        await AskAsync(client, Ask(cached));
        await rig.StoredAsync();
        var (cache, answer, _) = await AskAsync(client, Ask(asked));

        Assert.Equal("miss", cache);
        Assert.Equal("answer 2", answer);
    }

    [Fact]
    public async Task The_same_question_under_another_system_prompt_or_key_is_a_miss()
    {
        await using var rig = await CacheRig.StartAsync(c => SemanticOn(c));
        using var a = rig.Client(CacheRig.KeyA);
        using var b = rig.Client(CacheRig.KeyB);

        await AskAsync(a, Ask("What is our refund policy?", "You answer for shop A."));
        await rig.StoredAsync();

        Assert.Equal("miss", (await AskAsync(a, Ask("What is our refund policy?", "You answer for shop B."))).Cache);
        Assert.Equal("miss", (await AskAsync(b, Ask("What is our refund policy?", "You answer for shop A."))).Cache);
        Assert.Equal("semantic-hit", (await AskAsync(a, Ask("what is our refund policy", "You answer for shop A."))).Cache);
    }

    [Fact]
    public async Task Shadow_mode_serves_nothing_and_records_whether_the_cached_answer_would_have_agreed()
    {
        await using var rig = await CacheRig.StartAsync(c => SemanticOn(c, "shadow"));
        using var client = rig.Client();
        using var admin = rig.Gateway.CreateClient(GatewayHost.MasterKey);

        await AskAsync(client, Ask("How do I reset my password?"));
        await rig.StoredAsync();
        var (cache, answer, response) = await AskAsync(client, Ask("how do i reset my password"));

        Assert.Equal(("shadow-hit", "answer 2"), (cache, answer));
        var record = await rig.RecordAsync(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("shadow-disagreed", record.CacheStatus); // "answer 1" would have been served where the model said "answer 2"
        var stats = await admin.GetFromJsonAsync<JsonObject>("/admin/cache/stats");
        Assert.Equal(1, stats!["counters"]!["shadow_hits"]!.GetValue<long>());
        Assert.Equal(1, stats["counters"]!["shadow_disagreed"]!.GetValue<long>());
        Assert.Equal(1.0, stats["counters"]!["shadow_disagreement_rate"]!.GetValue<double>());
        Assert.Equal(2, rig.UpstreamCalls);
    }

    [Fact]
    public async Task A_key_override_turns_the_semantic_layer_on_for_that_key_only()
    {
        await using var rig = await CacheRig.StartAsync(c =>
            c["Overrides"] = new JsonArray(new JsonObject { ["Key"] = "b", ["Mode"] = "on", ["Threshold"] = 0.8 }));
        using var a = rig.Client(CacheRig.KeyA);
        using var b = rig.Client(CacheRig.KeyB);

        await AskAsync(a, Ask("How do I reset my password?"));
        await AskAsync(b, Ask("How do I reset my password?"));
        await rig.StoredAsync();

        Assert.Equal("", (await AskAsync(a, Ask("how do i reset my password"))).Cache);
        Assert.Equal("semantic-hit", (await AskAsync(b, Ask("how do i reset my password"))).Cache);
    }

    [Fact]
    public async Task The_index_is_bounded_and_the_oldest_question_leaves_it_first()
    {
        await using var rig = await CacheRig.StartAsync(c =>
        {
            SemanticOn(c);
            c["Semantic"]!["MaxEntries"] = 1;
        });
        using var client = rig.Client();

        await AskAsync(client, Ask("How do I reset my password?"));
        await rig.StoredAsync();
        await AskAsync(client, Ask("Where can I download my latest invoice?"));
        await rig.StoredAsync();

        Assert.Equal("semantic-hit", (await AskAsync(client, Ask("where can i download my latest invoice"))).Cache);
        Assert.Equal("miss", (await AskAsync(client, Ask("how do i reset my password"))).Cache);
    }

    [Fact]
    public async Task The_admin_stats_need_an_admin_key()
    {
        await using var rig = await CacheRig.StartAsync();
        using var client = rig.Client();

        using var refused = await client.GetAsync("/admin/cache/stats");

        await Json.AssertErrorAsync(refused, 403);
    }
}
