using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Routing;
using ServerlessGateway.Tests.Endpoints.Admin;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>
/// Model selection through the real gateway: every logical model is a mock deployment of its own name, so
/// x-gateway-deployment ("mock/NAME") tells which model served.
/// </summary>
public sealed class SelectionEndToEndTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_auto_model_sends_a_long_prompt_to_the_complex_tier_and_a_short_one_to_the_simple_tier()
    {
        await using var gateway = await StartAsync();
        var sdk = new ChatClient("auto", new ApiKeyCredential(GatewayHost.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });
        var longPrompt = string.Concat(Enumerable.Repeat("Summarise the findings of each chapter in the attached report. ", 450));

        var complex = await sdk.CompleteChatAsync([new UserChatMessage(longPrompt)], cancellationToken: Token);
        var simple = await sdk.CompleteChatAsync([new UserChatMessage("Hello!")], cancellationToken: Token);

        Assert.Equal(longPrompt.TrimEnd(), complex.Value.Content[0].Text.TrimEnd()); // the mock echoes: the body reached it whole
        Assert.Equal("mock/large", Header(complex, "x-gateway-deployment"));
        Assert.Equal("large", Header(complex, "x-gateway-model"));
        Assert.Matches(@"^tier=complex \(prompt [\d,]+ tokens >= 4,000\)$", Header(complex, "x-gateway-selection"));
        Assert.Equal("mock/small", Header(simple, "x-gateway-deployment"));
        Assert.StartsWith("tier=simple (prompt ", Header(simple, "x-gateway-selection"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_on_a_header_serves_another_model_and_says_which_route()
    {
        await using var gateway = await StartAsync();

        using var routed = await SendAsync(gateway, "gpt-4o", ("x-region", "eu"));
        using var direct = await SendAsync(gateway, "gpt-4o", ("x-region", "us"));

        Assert.Equal(200, (int)routed.StatusCode);
        Assert.Equal("mock/eu", Header(routed, "x-gateway-deployment"));
        Assert.Equal("eu", Header(routed, "x-gateway-model"));
        Assert.Equal("route=eu-users", Header(routed, "x-gateway-selection"));
        Assert.Equal("mock/gpt-4o", Header(direct, "x-gateway-deployment"));
        Assert.False(direct.Headers.Contains("x-gateway-model"));
        Assert.False(direct.Headers.Contains("x-gateway-selection"));
    }

    [Fact]
    public async Task A_canary_at_100_percent_always_and_at_0_percent_never_serves_the_candidate()
    {
        await using var gateway = await StartAsync();

        for (var i = 0; i < 5; i++)
        {
            using var all = await SendAsync(gateway, "all-canary", ("x-gateway-conversation-id", $"c-{i}"));
            using var none = await SendAsync(gateway, "no-canary", ("x-gateway-conversation-id", $"c-{i}"));

            Assert.Equal("mock/candidate", Header(all, "x-gateway-deployment"));
            Assert.Equal("candidate", Header(all, "x-gateway-model"));
            Assert.Equal("canary=candidate (sticky conversation, 100%)", Header(all, "x-gateway-selection"));
            Assert.Equal("mock/no-canary", Header(none, "x-gateway-deployment"));
            Assert.False(none.Headers.Contains("x-gateway-model"));
            Assert.Equal("canary=control (sticky conversation, 0%)", Header(none, "x-gateway-selection"));
        }
    }

    [Fact]
    public async Task A_random_canary_draws_from_the_injected_random_source()
    {
        await using var low = await StartAsync(new FixedRandom(0.2));
        await using var high = await StartAsync(new FixedRandom(0.8));

        using var canary = await SendAsync(low, "half-canary");
        using var control = await SendAsync(high, "half-canary");

        Assert.Equal("mock/candidate", Header(canary, "x-gateway-deployment"));
        Assert.Equal("canary=candidate (random, 50%)", Header(canary, "x-gateway-selection"));
        Assert.Equal("mock/half-canary", Header(control, "x-gateway-deployment"));
    }

    [Fact]
    public async Task A_key_not_allowed_the_auto_model_is_refused_before_any_selection()
    {
        await using var gateway = await StartAsync();
        using var restricted = gateway.CreateClient(GatewayHost.RestrictedKey);

        using var response = await restricted.PostAsync("/v1/chat/completions", Json.Body(Chat("auto")), Token);

        await Json.AssertErrorAsync(response, 403, "model_not_allowed");
        Assert.False(response.Headers.Contains("x-gateway-selection"));
    }

    [Fact]
    public async Task A_stored_key_allowed_only_the_auto_model_is_served_by_its_tiers_and_refused_the_tier_models_by_name()
    {
        await using var gateway = await StartAsync();
        using var admin = gateway.CreateClient(GatewayHost.MasterKey);
        using var client = gateway.CreateClient(await AdminApi.CreateKeyAsync(admin, """{"name":"auto-only","models":["auto"]}"""));

        using var auto = await client.PostAsync("/v1/chat/completions", Json.Body(Chat("auto")), Token);
        using var small = await client.PostAsync("/v1/chat/completions", Json.Body(Chat("small")), Token);

        Assert.Equal(200, (int)auto.StatusCode);
        Assert.Equal("mock/small", Header(auto, "x-gateway-deployment"));
        await Json.AssertErrorAsync(small, 403, "model_not_allowed");
    }

    [Fact]
    public async Task An_embeddings_request_for_the_auto_model_is_a_400()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client.PostAsync("/v1/embeddings", Json.Body("""{"model":"auto","input":"hello"}"""), Token);

        var message = await Json.AssertErrorAsync(response, 400, "model_not_supported");
        Assert.Contains("embeddings", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_auto_model_is_listed_for_keys_allowed_it_and_unknown_names_list_it()
    {
        await using var gateway = await StartAsync();
        using var restricted = gateway.CreateClient(GatewayHost.RestrictedKey);

        var all = await Json.ReadAsync(await gateway.Client.GetAsync("/v1/models", Token));
        var some = await Json.ReadAsync(await restricted.GetAsync("/v1/models", Token));
        using var one = await gateway.Client.GetAsync("/v1/models/auto", Token);
        using var unknown = await SendAsync(gateway, "no-such-model");

        Assert.Contains(all["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "auto");
        Assert.DoesNotContain(some["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "auto");
        Assert.Equal("auto", (await Json.ReadAsync(one))["id"]!.GetValue<string>());
        Assert.Contains("auto", await Json.AssertErrorAsync(unknown, 404, "model_not_found"), StringComparison.Ordinal);
    }

    private static async Task<GatewayHost> StartAsync(IRandomSource? random = null)
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        var models = gateway["Models"]!.AsObject();
        foreach (var name in new[] { "small", "large", "eu", "gpt-4o", "candidate" })
        {
            models[name] = GatewayHost.Deployments(("mock", name));
        }

        models["all-canary"] = WithCanary("all-canary", 100, "conversation");
        models["no-canary"] = WithCanary("no-canary", 0, "conversation");
        models["half-canary"] = WithCanary("half-canary", 50, "none");
        gateway["Routing"] = JsonNode.Parse("""
            {
              "Routes": [ { "Name": "eu-users", "ForModels": [ "gpt-4o" ], "When": { "Field": "header:x-region", "Equals": "eu" }, "Model": "eu" } ],
              "Auto": { "Tiers": { "simple": "small", "standard": "small", "complex": "large" } }
            }
            """);
        return await GatewayHost.StartAsync(config, services: random is null ? null : s => s.AddSingleton(random));
    }

    private static JsonObject WithCanary(string name, double percent, string stickyBy)
    {
        var model = GatewayHost.Deployments(("mock", name));
        model["Canary"] = new JsonObject { ["Model"] = "candidate", ["Percent"] = percent, ["StickyBy"] = stickyBy };
        return model;
    }

    private static string Chat(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";

    private static async Task<HttpResponseMessage> SendAsync(GatewayHost gateway, string model, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(Chat(model)) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await gateway.Client.SendAsync(request, Token);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"no {name} header");

    private static string Header<T>(ClientResult<T> result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value! : throw new Xunit.Sdk.XunitException($"no {name} header");
}
