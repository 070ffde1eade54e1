using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints;

/// <summary>
/// Hostile and careless requests through the real app: each gets an OpenAI-shaped error with the right
/// status and code (never a 500), and the gateway keeps serving afterwards.
/// </summary>
public sealed class BadInputTests(BadInputTests.Host host) : IClassFixture<BadInputTests.Host>
{
    private const string Chat = "/v1/chat/completions";
    private const string Valid = """{"model":"mock-echo","messages":[{"role":"user","content":"still here"}]}""";

    /// <summary>Just over the default Gateway:MaxRequestBodyBytes (32 MiB).</summary>
    private const int OverDefaultLimit = 32 * 1024 * 1024 + 1;

    private sealed record Case(int Status, string Code, Func<GatewayHost, CancellationToken, Task<HttpResponseMessage>> Send);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["malformed json"] = Post(400, "invalid_json", """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}"""),
        ["single quotes"] = Post(400, "invalid_json", "{'model':'mock-echo'}"),
        ["trailing garbage"] = Post(400, "invalid_json", Valid + "}"),
        ["array root"] = Post(400, "invalid_json", "[" + Valid + "]"),
        ["messages is a string"] = Post(400, "invalid_type", """{"model":"mock-echo","messages":"hi"}"""),
        ["stream is a string"] = Post(400, "invalid_type", """{"model":"mock-echo","stream":"yes","messages":[{"role":"user","content":"hi"}]}"""),
        ["model is a number"] = Post(400, "invalid_type", """{"model":4,"messages":[{"role":"user","content":"hi"}]}"""),
        ["embeddings input is a number"] = Post(400, "invalid_type", """{"model":"mock-embedding","input":5}""", "/v1/embeddings"),
        ["duplicate model"] = Post(400, "duplicate_parameter", """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}],"model":"gpt-4o"}"""),
        ["duplicate model, escaped"] = Post(400, "duplicate_parameter", """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}],"mod\u0065l":"gpt-4o"}"""),
        ["deep nesting"] = Post(400, "invalid_json", """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}],"x":""" + new string('[', 10_000) + new string(']', 10_000) + "}"),
        ["empty messages"] = Post(400, "invalid_value", """{"model":"mock-echo","messages":[]}"""),
        ["temperature out of range"] = Post(400, "invalid_value", """{"model":"mock-echo","temperature":1e999,"messages":[{"role":"user","content":"hi"}]}"""),
        ["empty body"] = Send(400, "invalid_json", () => Labelled(new ByteArrayContent([]), "application/json")),
        ["invalid utf-8"] = Send(400, "invalid_encoding", () => Labelled(new ByteArrayContent([.. "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xC3, 0x28, .. "\"}]}"u8]), "application/json")),
        ["text/plain"] = Send(415, "unsupported_media_type", () => new StringContent(Valid, Encoding.UTF8, "text/plain")),
        ["form"] = Send(415, "unsupported_media_type", () => Labelled(new StringContent("model=mock-echo"), "application/x-www-form-urlencoded")),
        ["over the limit with Content-Length"] = Send(413, "request_too_large", () => new ByteArrayContent(LargeBody(OverDefaultLimit)) { Headers = { ContentType = new("application/json") } }),
        ["over the limit chunked"] = Send(413, "request_too_large", () => new ChunkedContent(LargeBody(OverDefaultLimit))),
        ["unknown url"] = new(404, "unknown_url", (h, ct) => h.Client.GetAsync("/v1/nothing-here", ct)),
        ["unknown url, POST"] = new(404, "unknown_url", (h, ct) => h.Client.PostAsync("/v1/completions", Json.Body(Valid), ct)),
        ["wrong method"] = new(405, "method_not_allowed", (h, ct) => h.Client.GetAsync(Chat, ct)),
        ["wrong method on embeddings"] = new(405, "method_not_allowed", (h, ct) => h.Client.DeleteAsync("/v1/embeddings", ct)),
        ["missing key"] = new(401, "missing_api_key", (h, ct) => Anonymous(h).PostAsync(Chat, Json.Body(Valid), ct)),
        ["missing key beats a bad body"] = new(401, "missing_api_key", (h, ct) => Anonymous(h).PostAsync(Chat, Json.Body("{"), ct)),
        ["wrong key"] = new(401, "invalid_api_key", (h, ct) => h.CreateClient("sk-not-a-key-9999").PostAsync(Chat, Json.Body(Valid), ct)),
        ["wrong api-key header"] = new(401, "invalid_api_key", (h, ct) => WithApiKey(h, "sk-not-a-key-9999").PostAsync(Chat, Json.Body(Valid), ct)),
        ["basic auth"] = new(401, "invalid_api_key", (h, ct) => WithAuthorization(h, "Basic dXNlcjpwYXNz").PostAsync(Chat, Json.Body(Valid), ct)),
        ["restricted key, other model"] = new(403, "model_not_allowed", (h, ct) => h.CreateClient(GatewayHost.RestrictedKey).PostAsync("/v1/embeddings", Json.Body("""{"model":"mock-embedding","input":"a"}"""), ct)),
        ["unknown model"] = Post(404, "model_not_found", """{"model":"gpt-nope","messages":[{"role":"user","content":"hi"}]}"""),
        ["unknown embeddings model"] = Post(404, "model_not_found", """{"model":"nope","input":"hi"}""", "/v1/embeddings"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_gets_an_OpenAI_shaped_error(string name)
    {
        var expected = Cases[name];

        using var response = await expected.Send(host.Gateway, TestContext.Current.CancellationToken);

        await Json.AssertErrorAsync(response, expected.Status, expected.Code);
    }

    [Fact]
    public async Task After_the_whole_barrage_the_same_host_still_answers()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var ct = TestContext.Current.CancellationToken;
        foreach (var (name, expected) in Cases)
        {
            using var response = await expected.Send(gateway, ct);
            Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, name);
            Assert.True((int)response.StatusCode == expected.Status, $"{name}: {(int)response.StatusCode}");
        }

        // The same bad requests at once, on many connections.
        var all = await Task.WhenAll(Cases.Values.Where(c => c.Status != 413).Select(c => c.Send(gateway, ct)));
        Assert.All(all, r => Assert.True((int)r.StatusCode is >= 400 and < 500, $"{r.StatusCode}"));
        foreach (var response in all)
        {
            response.Dispose();
        }

        using var ok = await gateway.Client.PostAsync(Chat, Json.Body(Valid), ct);
        var text = await ok.Content.ReadAsStringAsync(ct);
        Assert.True(ok.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("still here", JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_api_key_header_is_accepted()
    {
        using var response = await WithApiKey(host.Gateway, GatewayHost.Key).PostAsync(Chat, Json.Body(Valid), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_read_as_json()
    {
        using var response = await host.Gateway.Client.PostAsync(Chat, new ByteArrayContent(Encoding.UTF8.GetBytes(Valid)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_20_MB_string_passes_when_the_configured_limit_allows_it()
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["MaxRequestBodyBytes"] = 64 * 1024 * 1024;
        await using var gateway = await GatewayHost.StartAsync(config);
        const int length = 20 * 1000 * 1000;

        using var response = await gateway.Client.PostAsync(Chat, new ByteArrayContent(LargeBody(length)) { Headers = { ContentType = new("application/json") } }, TestContext.Current.CancellationToken);

        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 500)]));
        Assert.Equal(length - LargeHead.Length - LargeTail.Length, EchoedLength(bytes));
    }

    /// <summary>The length of the answer's content, checked to be all 'x', without a 40 MB string.</summary>
    private static int EchoedLength(byte[] completion)
    {
        var reader = new Utf8JsonReader(completion);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                Assert.False(reader.ValueIsEscaped);
                Assert.True(reader.ValueSpan.IndexOfAnyExcept((byte)'x') < 0, "the echo is the string sent");
                return reader.ValueSpan.Length;
            }
        }

        return -1;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_20_MB_string_is_refused_with_413_when_the_limit_is_lower(bool chunked)
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["MaxRequestBodyBytes"] = 16 * 1024 * 1024;
        await using var gateway = await GatewayHost.StartAsync(config);
        var body = LargeBody(20 * 1000 * 1000);
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };

        using var response = await gateway.Client.PostAsync(Chat, content, TestContext.Current.CancellationToken);

        await Json.AssertErrorAsync(response, 413, "request_too_large");
        using var ok = await gateway.Client.PostAsync(Chat, Json.Body(Valid), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private static Case Post(int status, string code, string json, string path = Chat) =>
        new(status, code, (h, ct) => h.Client.PostAsync(path, Json.Body(json), ct));

    private static Case Send(int status, string code, Func<HttpContent> content) =>
        new(status, code, (h, ct) => h.Client.PostAsync(Chat, content(), ct));

    private static HttpContent Labelled(HttpContent content, string mediaType)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static HttpClient Anonymous(GatewayHost gateway) => gateway.CreateClient(null);

    private static HttpClient WithApiKey(GatewayHost gateway, string key)
    {
        var client = gateway.CreateClient(null);
        client.DefaultRequestHeaders.Add("api-key", key);
        return client;
    }

    private static HttpClient WithAuthorization(GatewayHost gateway, string value)
    {
        var client = gateway.CreateClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", value);
        return client;
    }

    private static readonly byte[] LargeHead = "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\""u8.ToArray();
    private static readonly byte[] LargeTail = "\"}]}"u8.ToArray();

    /// <summary>A valid chat request of exactly <paramref name="length"/> bytes: one long user message of 'x'.</summary>
    private static byte[] LargeBody(int length)
    {
        var body = new byte[length];
        LargeHead.CopyTo(body, 0);
        body.AsSpan(LargeHead.Length, length - LargeHead.Length - LargeTail.Length).Fill((byte)'x');
        LargeTail.CopyTo(body, length - LargeTail.Length);
        return body;
    }

    /// <summary>A body sent with chunked transfer encoding: no Content-Length for the gateway to check first.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] body;

        public ChunkedContent(byte[] body)
        {
            this.body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>One gateway for the single-case tests (the barrage test starts its own).</summary>
    public sealed class Host : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Gateway = await GatewayHost.StartAsync(GatewayHost.Config());

        public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
    }
}
