using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Providers.AzureOpenAI;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// The Azure chunk fixes on our own small samples, shaped like the chunks Azure sends (the recorded
/// streams are replayed in <see cref="AzureReplayTests"/>).
/// </summary>
public sealed class AzureChunkNormalizerTests
{
    private const string Content =
        """{"choices":[{"content_filter_results":{},"delta":{"content":"Hi é"},"finish_reason":null,"index":0,"logprobs":null}],"created":1700000000,"id":"chatcmpl-a","model":"gpt-4o-mini","object":"chat.completion.chunk","system_fingerprint":"fp_1"}""";

    [Fact]
    public void Valid_chunk_is_relayed_without_a_copy()
    {
        var bytes = Encoding.UTF8.GetBytes(Content);
        var data = new ReadOnlySequence<byte>(bytes);

        var result = AzureChunkNormalizer.Instance.Normalize(data);

        Assert.NotNull(result);
        Assert.Same(bytes, result.Value.Start.GetObject());
        Assert.Equal(bytes.Length, result.Value.Length);
    }

    [Theory]
    [InlineData("""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""")]
    [InlineData("""{"choices":[{"content_filter_offsets":{"check_offset":10,"start_offset":10,"end_offset":20},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}""")]
    public void Chunk_with_only_filter_results_is_dropped(string chunk) =>
        Assert.Null(AzureChunkNormalizer.Instance.Normalize(Sequence(chunk)));

    [Fact]
    public void Choice_without_delta_is_removed_and_the_rest_kept()
    {
        var chunk = """{"choices":[{"delta":{"content":"a"},"finish_reason":null,"index":0},{"content_filter_offsets":{},"finish_reason":null,"index":1}],"created":1,"id":"x","model":"m","object":"chat.completion.chunk","custom":{"kept":true}}""";

        var fixedChunk = Normalize(chunk);

        var choices = fixedChunk["choices"]!.AsArray();
        Assert.Single(choices);
        Assert.Equal("a", choices[0]!["delta"]!["content"]!.GetValue<string>());
        Assert.True(fixedChunk["custom"]!["kept"]!.GetValue<bool>());
    }

    [Fact]
    public void Null_fingerprint_is_removed_and_empty_object_named()
    {
        var chunk = Content.Replace("\"system_fingerprint\":\"fp_1\"", "\"system_fingerprint\":null", StringComparison.Ordinal)
            .Replace("\"object\":\"chat.completion.chunk\"", "\"object\":\"\"", StringComparison.Ordinal);

        var fixedChunk = Normalize(chunk);

        Assert.False(fixedChunk.ContainsKey("system_fingerprint"));
        Assert.Equal("chat.completion.chunk", fixedChunk["object"]!.GetValue<string>());
        Assert.Equal("Hi é", fixedChunk["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Usage_chunk_with_empty_choices_is_kept()
    {
        var chunk = """{"choices":[],"created":1,"id":"x","model":"m","object":"chat.completion.chunk","system_fingerprint":null,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""";

        var fixedChunk = Normalize(chunk);

        Assert.Empty(fixedChunk["choices"]!.AsArray());
        Assert.Equal(3, fixedChunk["usage"]!["total_tokens"]!.GetValue<int>());
        Assert.False(fixedChunk.ContainsKey("system_fingerprint"));
    }

    [Theory]
    [InlineData("""{"error":{"message":"cut","type":"server_error","param":null,"code":null}}""")]
    [InlineData("not json")]
    public void Anything_that_is_not_a_chunk_is_left_alone(string data)
    {
        var result = AzureChunkNormalizer.Instance.Normalize(Sequence(data));

        Assert.NotNull(result);
        Assert.Equal(data, Encoding.UTF8.GetString(result.Value));
    }

    private static ReadOnlySequence<byte> Sequence(string json) => new(Encoding.UTF8.GetBytes(json));

    private static JsonObject Normalize(string chunk)
    {
        var result = AzureChunkNormalizer.Instance.Normalize(Sequence(chunk));
        Assert.NotNull(result);
        return JsonNode.Parse(Encoding.UTF8.GetString(result.Value))!.AsObject();
    }
}
