using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Where requests go and how they authenticate (Gemini API and Vertex AI), and requests that cannot go at all.</summary>
public sealed class GeminiShapeTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private const string Hello = """{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Gemini_API_calls_generateContent_with_the_key_in_x_goog_api_key()
    {
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("hello")));

        using var response = await gemini.PostAsync(Hello);

        response.EnsureSuccessStatusCode();
        var request = gemini.Upstream.LastRequest;
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", request.PathAndQuery);
        Assert.Equal(GeminiGateway.ApiKey, request.Headers["x-goog-api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("gemini", response.Headers.GetValues("x-gateway-provider").Single());
    }

    [Fact]
    public async Task A_stream_calls_streamGenerateContent_with_alt_sse()
    {
        gemini.ServeSse(GeminiSamples.Sse(GeminiSamples.Event(GeminiSamples.Text("hello"), "STOP")));

        using var response = await gemini.PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        response.EnsureSuccessStatusCode();
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", gemini.Upstream.LastRequest.PathAndQuery);
        Assert.DoesNotContain("stream", gemini.LastGeminiBody.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vertex_AI_takes_the_project_path_from_BaseUrl_and_a_bearer_token()
    {
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("hello")));

        using var response = await gemini.PostAsync("""{"model":"vertex","messages":[{"role":"user","content":"hi"}]}""");

        response.EnsureSuccessStatusCode();
        var request = gemini.Upstream.LastRequest;
        Assert.Equal(GeminiGateway.VertexPath + "/models/gemini-2.5-flash:generateContent", request.PathAndQuery);
        Assert.Equal("Bearer " + GeminiGateway.VertexToken, request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("x-goog-api-key"));
    }

    [Fact]
    public async Task A_tool_message_answering_no_earlier_call_is_refused_before_anything_is_sent()
    {
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("hello")));
        var before = gemini.Upstream.Requests.Count;

        using var response = await gemini.PostAsync("""{"model":"gemini-then-openai","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_nowhere","content":"x"}]}""");

        await Json.AssertErrorAsync(response, 400);
        Assert.Contains("call_nowhere", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(before, gemini.Upstream.Requests.Count); // not even the fallback: the request itself is wrong
    }

    [Theory]
    [InlineData("""[{"type":"input_video","video":"x"}]""", "messages[0].content[0].type")]
    [InlineData("""[{"type":"file","file":{"file_id":"file-abc"}}]""", "messages[0].content[0].file")]
    public async Task A_request_Gemini_cannot_express_is_refused_with_400_and_the_next_deployment_tried(string content, string param)
    {
        var request = """{"model":"«model»","messages":[{"role":"user","content":«content»}]}""".Replace("«content»", content, StringComparison.Ordinal);
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("hello")));
        var before = gemini.Upstream.Requests.Count;

        using var alone = await gemini.PostAsync(request.Replace("«model»", "gemini", StringComparison.Ordinal));
        using var withFallback = await gemini.PostAsync(request.Replace("«model»", GeminiGateway.FailoverModel, StringComparison.Ordinal));

        await Json.AssertErrorAsync(alone, 400, "unsupported_by_provider");
        Assert.Contains(param, await alone.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("from fallback", (await Json.ReadAsync(withFallback))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(before + 1, gemini.Upstream.Requests.Count); // only the fallback was called
    }

    [Fact]
    public async Task A_recursive_schema_is_refused_as_inexpressible()
    {
        using var response = await gemini.PostAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"tree","schema":
              {"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}}}}}}
            """);

        var message = await Json.AssertErrorAsync(response, 400, "unsupported_by_provider");
        Assert.Contains("refers to itself", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_call_arguments_that_are_not_a_JSON_object_are_refused()
    {
        using var response = await gemini.PostAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"x"},
              {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"not json"}}]},
              {"role":"tool","tool_call_id":"c1","content":"r"}]}
            """);

        await Json.AssertErrorAsync(response, 400, "unsupported_by_provider");
    }

    [Fact]
    public async Task Embeddings_are_not_served_by_Gemini_deployments()
    {
        using var response = await gemini.Gateway.Client.PostAsync("/v1/embeddings", """{"model":"gemini","input":"x"}""");

        await Json.AssertErrorAsync(response, 400, "unsupported_by_provider");
    }
}
