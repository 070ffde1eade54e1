using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Configuration;
using ServerlessGateway.Contracts;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers;

/// <summary>
/// The bytes sent upstream: the caller's document with the model renamed and, when streaming to a
/// provider that reports usage, stream_options.include_usage = true — nothing else changed.
/// </summary>
public sealed class ForwardedBodyTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hé \\\"there\\\" 😀\"}]";

    /// <summary>Non-canonical formatting that any re-serialisation would change.</summary>
    private const string Untouched = "\"seed\" : 1.50e1,\"metadata\":{\"model\":\"not-this\",\"x\":\"\\u00e9\"}";

    public static TheoryData<string, StreamUsageEditKind> StreamingBodies => new()
    {
        { "{\"model\":\"gpt-4o\",\"stream\":true," + Messages + "," + Untouched + "}", StreamUsageEditKind.InsertIntoRoot },
        { " \r\n{ \"stream\" : true , " + Messages + ", " + Untouched + ", \"model\" : \"gpt-4o\" } ", StreamUsageEditKind.InsertIntoRoot },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":null," + Messages + "," + Untouched + "}", StreamUsageEditKind.ReplaceStreamOptionsValue },
        { "{\"stream_options\": null ,\"stream\":true," + Messages + ",\"model\":\"gpt-4o\"}", StreamUsageEditKind.ReplaceStreamOptionsValue },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{}," + Messages + "," + Untouched + "}", StreamUsageEditKind.InsertIntoEmptyStreamOptions },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{ \n },\"model_x\":1," + Messages + "}", StreamUsageEditKind.InsertIntoEmptyStreamOptions },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}," + Messages + "," + Untouched + "}", StreamUsageEditKind.InsertIntoStreamOptions },
        { "{\"stream\":true,\"stream_options\":{ \"include_obfuscation\" : true, \"future\" : [1,2] }," + Messages + ",\"model\":\"gpt-4o\"}", StreamUsageEditKind.InsertIntoStreamOptions },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":false}," + Messages + "," + Untouched + "}", StreamUsageEditKind.ReplaceIncludeUsageValue },
        { "{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false,\"include_usage\" :  null },\"model\":\"gpt-4o\"," + Messages + "}", StreamUsageEditKind.ReplaceIncludeUsageValue },
        { "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false}," + Messages + "}", StreamUsageEditKind.None },
        { "{\"model\":\"gpt\\u002d4o\",\"stream\":true," + Messages + "}", StreamUsageEditKind.InsertIntoRoot },
    };

    public static TheoryData<string> UpstreamModels => ["upstream-model", "we\"ird\\mo/del", "模型-ü", "emoji😀", "</script>&'", "x"];

    [Theory]
    [MemberData(nameof(StreamingBodies))]
    public async Task Every_usage_edit_yields_the_original_document_with_usage_on(string body, StreamUsageEditKind kind)
    {
        foreach (var model in UpstreamModels)
        {
            var request = Parse(body);
            Assert.Equal(kind, request.UsageEdit.Kind);

            var sent = await SendAsync(request, Deployment(model, streamUsage: true));

            Assert.True(JsonNode.DeepEquals(Expected(body, model, usageOn: true), JsonNode.Parse(sent)), $"sent: {sent}");
            AssertUntouchedTextKept(body, sent);
        }
    }

    [Theory]
    [MemberData(nameof(StreamingBodies))]
    public async Task A_provider_without_stream_usage_gets_only_the_model_renamed(string body, StreamUsageEditKind kind)
    {
        _ = kind;
        var request = Parse(body);

        var sent = await SendAsync(request, Deployment("upstream-model", streamUsage: false));

        Assert.True(JsonNode.DeepEquals(Expected(body, "upstream-model", usageOn: false), JsonNode.Parse(sent)), $"sent: {sent}");
        AssertOnlyModelReplaced(body, request, sent, "\"upstream-model\"");
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-4o\"," + Messages + "}")]
    [InlineData("{\"model\":\"gpt-4o\",\"stream\":false,\"stream_options\":{\"include_usage\":false}," + Messages + "}")]
    [InlineData("{\"model\":\"gpt-4o\",\"stream\":null," + Messages + "}")]
    public async Task A_request_that_does_not_stream_gets_no_usage_edit(string body)
    {
        var request = Parse(body);

        var sent = await SendAsync(request, Deployment("upstream-model", streamUsage: true));

        AssertOnlyModelReplaced(body, request, sent, "\"upstream-model\"");
    }

    [Theory]
    [MemberData(nameof(UpstreamModels))]
    public async Task Embeddings_get_only_the_model_renamed(string model)
    {
        const string body = "{\"input\":[\"a\",\"b\"],\"model\":\"text-embedding-3-small\",\"dimensions\":8}";
        var request = Assert.IsType<EmbeddingsRequest>(EmbeddingsRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(body))).Value);
        var deployment = Deployment(model, streamUsage: true);

        var sent = await SendAsync(request, deployment);

        AssertOnlyModelReplaced(body, request, sent, Encoding.UTF8.GetString(deployment.UpstreamModelJson));
        Assert.Equal(model, JsonNode.Parse(sent)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bytes_a_real_upstream_receives_are_the_computed_ones()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var client = new HttpClient();
        var body = "{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}," + Messages + ",\"model\":\"gpt-4o\"}";
        var content = ForwardedBody.For(Parse(body), Deployment("模型😀", streamUsage: true));
        var expected = Encoding.UTF8.GetString(content.ToArray());

        using var response = await client.PostAsync(upstream.BaseUrl + "/v1/chat/completions", content, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var received = upstream.LastRequest;
        Assert.Equal(expected, received.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(expected).ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["Content-Length"]);
        Assert.StartsWith("application/json", received.Headers["Content-Type"], StringComparison.Ordinal);
    }

    private static ChatRequest Parse(string body)
    {
        var result = ChatRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(body)));
        Assert.True(result.Error is null, $"{result.Error}");
        return result.Value!;
    }

    /// <summary>Sends the body both ways (the HTTP path and ToArray) and checks the declared length against the bytes.</summary>
    private static async Task<string> SendAsync(ParsedRequest request, Deployment deployment)
    {
        using var content = ForwardedBody.For(request, deployment);
        var fromArray = content.ToArray();
        using var stream = new MemoryStream();
        await content.CopyToAsync(stream, TestContext.Current.CancellationToken);
        var fromStream = stream.ToArray();

        Assert.Equal(fromArray, fromStream);
        Assert.Equal(fromArray.Length, content.Headers.ContentLength);
        Assert.Equal("application/json", content.Headers.ContentType?.MediaType);
        return Encoding.UTF8.GetString(fromArray);
    }

    private static JsonObject Expected(string body, string model, bool usageOn)
    {
        var expected = JsonNode.Parse(body)!.AsObject();
        expected["model"] = model;
        if (usageOn)
        {
            var options = expected["stream_options"] as JsonObject ?? [];
            options["include_usage"] = true;
            expected["stream_options"] = options.DeepClone();
        }

        return expected;
    }

    /// <summary>Whatever the gateway does not edit reaches the upstream byte for byte, formatting included.</summary>
    private static void AssertUntouchedTextKept(string body, string sent)
    {
        if (body.Contains(Untouched, StringComparison.Ordinal))
        {
            Assert.Contains(Untouched, sent, StringComparison.Ordinal);
        }

        Assert.Contains(Messages, sent, StringComparison.Ordinal);
    }

    private static void AssertOnlyModelReplaced(string body, ParsedRequest request, string sent, string modelJson)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var token = request.ModelToken;
        var expected = Encoding.UTF8.GetString(bytes, 0, token.Start) + modelJson + Encoding.UTF8.GetString(bytes, token.End, bytes.Length - token.End);
        Assert.Equal(expected, sent);
    }

    private static Deployment Deployment(string upstreamModel, bool streamUsage) => new()
    {
        Name = "up/" + upstreamModel,
        Provider = new ProviderRuntime
        {
            Name = "up",
            Type = ProviderTypes.OpenAICompatible,
            AuthMode = ProviderAuthModes.None,
            StreamUsage = streamUsage,
            Mock = new MockOptions(),
        },
        UpstreamModel = upstreamModel,
        UpstreamModelJson = JsonSerializer.SerializeToUtf8Bytes(upstreamModel, GatewayJsonContext.Default.String),
        ChatCompletionsUri = new Uri("http://127.0.0.1:9/v1/chat/completions"),
        EmbeddingsUri = new Uri("http://127.0.0.1:9/v1/embeddings"),
    };
}
