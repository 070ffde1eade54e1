using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>POST /utils/token_counter on the running gateway.</summary>
public sealed class TokenCounterEndpointTests : IAsyncLifetime
{
    private GatewayHost host = null!;

    public async ValueTask InitializeAsync()
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        gateway["Providers"]!["openai"] = new JsonObject { ["Type"] = "openai", ["ApiKey"] = "sk-upstream", ["BaseUrl"] = "http://127.0.0.1:9/v1" };
        gateway["Models"]!["smart"] = GatewayHost.Deployments(("openai", "gpt-4-turbo"));
        host = await GatewayHost.StartAsync(config);
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Counts_text_for_an_openai_model_exactly()
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, """{"model":"gpt-4o","text":"Hello, world! Grüße 👋"}""");

        var answer = await Json.ReadAsync(response);
        Assert.Equal(TiktokenEncoding.O200kBase.CountTokens("Hello, world! Grüße 👋"), answer["total_tokens"]!.GetValue<int>());
        Assert.Equal("gpt-4o", answer["model"]!.GetValue<string>());
        Assert.Equal(EncodingNames.O200kBase, answer["encoding"]!.GetValue<string>());
        Assert.False(answer["estimate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Counts_a_litellm_style_prompt_with_escapes_like_the_decoded_text()
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, """{"prompt":"line one\nline \"two\" \u00e9\ud83d","model":"gpt-3.5-turbo"}""");

        var answer = await Json.ReadAsync(response);
        Assert.Equal(TiktokenEncoding.Cl100kBase.CountTokens("line one\nline \"two\" é\uFFFD"), answer["total_tokens"]!.GetValue<int>());
        Assert.Equal(EncodingNames.Cl100kBase, answer["encoding"]!.GetValue<string>());
    }

    [Fact]
    public async Task Counts_a_chat_request_with_the_message_framing()
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, """{"model":"gpt-4o","messages":[{"role":"user","content":"What is 4200 + 42?"}]}""");

        var answer = await Json.ReadAsync(response);
        Assert.Equal(16, answer["total_tokens"]!.GetValue<int>()); // what OpenAI reported for this request (mirascope's recording)
        Assert.False(answer["estimate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_gateway_model_is_counted_with_the_tokenizer_of_the_model_it_calls()
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, """{"model":"smart","text":"counting with cl100k"}""");

        var answer = await Json.ReadAsync(response);
        Assert.Equal(EncodingNames.Cl100kBase, answer["encoding"]!.GetValue<string>());
        Assert.Equal("smart", answer["model"]!.GetValue<string>());
        Assert.False(answer["estimate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Other_vendors_models_are_estimated_with_o200k()
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, """{"model":"claude-sonnet-4-5","text":"hello"}""");

        var answer = await Json.ReadAsync(response);
        Assert.Equal(EncodingNames.O200kBase, answer["encoding"]!.GetValue<string>());
        Assert.True(answer["estimate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Requires_a_key()
    {
        using var anonymous = host.CreateClient(key: null);
        using var missing = await anonymous.PostAsync(TokenCounterRoute, """{"model":"gpt-4o","text":"x"}""");
        using var wrong = host.CreateClient("sk-not-a-key");
        using var invalid = await wrong.PostAsync(TokenCounterRoute, """{"model":"gpt-4o","text":"x"}""");

        await Json.AssertErrorAsync(missing, 401, "missing_api_key");
        await Json.AssertErrorAsync(invalid, 401, "invalid_api_key");
    }

    [Fact]
    public async Task A_key_limited_to_some_gateway_models_may_not_count_for_the_others()
    {
        using var restricted = host.CreateClient(GatewayHost.RestrictedKey);
        using var refused = await restricted.PostAsync(TokenCounterRoute, """{"model":"smart","text":"x"}""");
        using var allowed = await restricted.PostAsync(TokenCounterRoute, """{"model":"mock-echo","text":"x"}""");

        await Json.AssertErrorAsync(refused, 403, "model_not_allowed");
        Assert.Equal(200, (int)allowed.StatusCode);
    }

    [Theory]
    [InlineData("""{"text":"no model"}""", "missing_required_parameter")]
    [InlineData("""{"model":"gpt-4o"}""", "missing_required_parameter")]
    [InlineData("""{"model":"gpt-4o","text":42}""", "invalid_type")]
    [InlineData("""{"model":["gpt-4o"],"text":"x"}""", "invalid_type")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}""", "invalid_json")]
    [InlineData("""{"model":"gpt-4o","messages":[7]}""", "invalid_messages")]
    [InlineData("""[]""", "invalid_json")]
    public async Task A_bad_body_is_a_400_that_says_why(string body, string code)
    {
        using var response = await host.Client.PostAsync(TokenCounterRoute, body);

        await Json.AssertErrorAsync(response, 400, code);
    }

    [Fact]
    public async Task Other_methods_and_paths_get_openai_errors()
    {
        using var get = await host.Client.GetAsync(TokenCounterRoute);
        using var other = await host.Client.PostAsync("/utils/other", "{}");

        await Json.AssertErrorAsync(get, 405);
        await Json.AssertErrorAsync(other, 404);
    }

    private const string TokenCounterRoute = "/utils/token_counter";
}
