using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;
using Document = ServerlessGateway.Tests.Conformance.SpecValidator.Document;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// What the gateway writes itself — the mock provider's answers, /v1/models and its own errors —
/// checked against OpenAI's published schemas, so SDKs that validate responses accept them.
/// </summary>
public sealed class MockSpecConformanceTests : IAsyncLifetime
{
    /// <summary>Request variants that change the answer's shape: plain, several choices, a forced tool call.</summary>
    private static readonly string[] Variants =
    [
        "",
        ""","n":2""",
        ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"required\"",
    ];

    private GatewayHost? gateway;

    private HttpClient Client => gateway!.Client;

    public async ValueTask InitializeAsync() => gateway = await GatewayHost.StartAsync(GatewayHost.Config());

    public async ValueTask DisposeAsync() => await gateway!.DisposeAsync();

    [Fact]
    public async Task Mock_chat_completions_match_the_schema()
    {
        SpecValidator.SkipIfUnavailable();
        var documents = new List<Document>();
        for (var i = 0; i < Variants.Length; i++)
        {
            documents.Add(new Document($"chat-{i}.json", await PostAsync("/v1/chat/completions", Chat(Variants[i]), 200)));
        }

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletion, documents);
    }

    [Fact]
    public async Task Mock_stream_chunks_match_the_schema()
    {
        SpecValidator.SkipIfUnavailable();
        var documents = new List<Document>();
        for (var i = 0; i < Variants.Length; i++)
        {
            foreach (var usage in new[] { ""","stream":true""", ""","stream":true,"stream_options":{"include_usage":true}""" })
            {
                var sse = await PostAsync("/v1/chat/completions", Chat(Variants[i] + usage), 200);
                Assert.Equal(SseTranscript.Done, SseTranscript.Payloads(Encoding.UTF8.GetString(sse))[^1]);
                documents.Add(new Document($"chat-{i}-{documents.Count}.sse", sse));
            }
        }

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletionChunk, documents);
    }

    /// <summary>
    /// The spec describes "embedding" only as a float array, although the API (and the mock) answer
    /// encoding_format=base64 with a base64 string of little-endian float32s: the base64 answer is
    /// checked decoded, and must decode to the float answer's vectors.
    /// </summary>
    [Fact]
    public async Task Mock_embeddings_match_the_schema_as_floats_and_as_base64()
    {
        SpecValidator.SkipIfUnavailable();
        const string Request = """{"model":"mock-embedding","input":["first input","second input"],"dimensions":8""";
        var floats = await PostAsync("/v1/embeddings", Request + "}", 200);
        var base64 = await PostAsync("/v1/embeddings", Request + ""","encoding_format":"base64"}""", 200);

        var decoded = JsonNode.Parse(base64)!;
        foreach (var item in decoded["data"]!.AsArray())
        {
            var vector = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(item!["embedding"]!.GetValue<string>())).ToArray();
            item["embedding"] = new JsonArray(vector.Select(v => (JsonNode)v).ToArray());
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(floats), decoded), "the base64 vectors differ from the float ones");
        await SpecValidator.AssertValidAsync(SpecValidator.Embeddings, [new("floats.json", floats), new("base64-decoded.json", Encoding.UTF8.GetBytes(decoded.ToJsonString()))]);
    }

    [Fact]
    public async Task Model_list_matches_the_schema()
    {
        SpecValidator.SkipIfUnavailable();
        using var response = await Client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);

        await SpecValidator.AssertValidAsync(SpecValidator.ModelList, [new("models.json", await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken))]);
    }

    [Fact]
    public async Task Gateway_errors_match_the_schema()
    {
        SpecValidator.SkipIfUnavailable();
        using var anonymous = gateway!.CreateClient(key: null);
        using var missingKey = await anonymous.PostAsync("/v1/chat/completions", Chat(""));
        using var unknownUrl = await Client.GetAsync("/v1/nothing-here", TestContext.Current.CancellationToken);
        var documents = new List<Document>
        {
            new("400-invalid-json.json", await PostAsync("/v1/chat/completions", "{\"model\":", 400)),
            new("400-no-messages.json", await PostAsync("/v1/chat/completions", """{"model":"mock-echo"}""", 400)),
            new("404-unknown-model.json", await PostAsync("/v1/chat/completions", """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""", 404)),
            new("401-missing-key.json", await Read(missingKey, 401)),
            new("404-unknown-url.json", await Read(unknownUrl, 404)),
        };

        await SpecValidator.AssertValidAsync(SpecValidator.Error, documents);
    }

    private static string Chat(string extra) =>
        $$"""{"model":"mock-echo","messages":[{"role":"user","content":"Say hello to the spec."}]{{extra}}}""";

    private async Task<byte[]> PostAsync(string path, string body, int status)
    {
        using var response = await Client.PostAsync(path, body);
        return await Read(response, status);
    }

    private static async Task<byte[]> Read(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        return body;
    }
}
