using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints;

/// <summary>Non-streaming chat through the real app to a fake OpenAI-compatible upstream.</summary>
public sealed class ChatCompletionsPassThroughTests
{
    private const string RichRequest = """
        {"model":"gpt","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"found"}],
         "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":true}}],
         "tool_choice":"auto","parallel_tool_calls":false,
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},"strict":true}},
         "n":1,"logprobs":true,"top_logprobs":2,"seed":42,"reasoning_effort":"low","temperature":0.2,
         "metadata":{"team":"search"},"vendor_extension":{"nested":[1,2,{"deep":true}]},"max_completion_tokens":100}
        """;

    [Fact]
    public async Task Every_field_reaches_the_upstream_unchanged_except_the_model_name()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", RichRequest);

        Assert.Equal(200, (int)response.StatusCode);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!.AsObject();
        var original = JsonNode.Parse(RichRequest)!.AsObject();
        Assert.Equal("upstream-gpt", sent["model"]!.GetValue<string>());
        sent.Remove("model");
        original.Remove("model");
        Assert.True(JsonNode.DeepEquals(original, sent), "the upstream body differs beyond the model name:\n" + upstream.LastRequest.Body);
        Assert.Equal("/v1/chat/completions", upstream.LastRequest.PathAndQuery);
        Assert.Equal("Bearer sk-upstream-secret", upstream.LastRequest.Headers["Authorization"]);
    }

    [Fact]
    public async Task The_upstream_answer_is_relayed_byte_for_byte_with_unknown_fields()
    {
        var answer = OpenAIWire.Completion(extra: "\"service_tier\":\"default\",\"provider_specific\":{\"x\":[1,2]},");
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, answer));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(answer, await response.Content.ReadAsStringAsync());
        Assert.Equal("up0/upstream-gpt", response.Headers.GetValues("x-gateway-deployment").Single());
        Assert.Equal("openai-compatible", response.Headers.GetValues("x-gateway-provider").Single());
        Assert.Equal("1", response.Headers.GetValues("x-gateway-attempts").Single());
        var overhead = double.Parse(response.Headers.GetValues("x-gateway-overhead-ms").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(overhead, 0, 1000);
        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_request_id_is_kept_and_sent_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json.Body("""{"model":"gpt","messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("x-request-id", "trace-abc_123");

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal("trace-abc_123", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("trace-abc_123", upstream.LastRequest.Headers["X-Client-Request-Id"]);
        Assert.False(upstream.LastRequest.Headers.ContainsKey("x-request-id"), "the caller's headers are not forwarded wholesale");
    }

    [Fact]
    public async Task The_callers_key_never_reaches_the_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""");

        response.EnsureSuccessStatusCode();
        Assert.DoesNotContain(upstream.LastRequest.Headers.Values, v => v.Contains(GatewayHost.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embeddings_pass_through_with_the_upstream_model()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Embeddings(2)));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("emb", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/embeddings", """{"model":"emb","input":["a","b"],"encoding_format":"float","user":"u1"}""");

        Assert.Equal(OpenAIWire.Embeddings(2), await response.Content.ReadAsStringAsync());
        Assert.Equal("/v1/embeddings", upstream.LastRequest.PathAndQuery);
        Assert.Equal("""{"model":"upstream-emb","input":["a","b"],"encoding_format":"float","user":"u1"}""", upstream.LastRequest.Body);
    }
}
