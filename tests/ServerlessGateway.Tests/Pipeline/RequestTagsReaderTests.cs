using ServerlessGateway.Pipeline;
using static ServerlessGateway.Tests.Pipeline.Parsing;

namespace ServerlessGateway.Tests.Pipeline;

/// <summary>OpenAI's user and metadata fields: read for attribution, refused when OpenAI would refuse them.</summary>
public sealed class RequestTagsReaderTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Fact]
    public void User_and_metadata_are_read()
    {
        var request = Valid(Chat("{\"model\":\"m\"," + Messages + ",\"user\":\"u-42\",\"metadata\":{\"feature\":\"chat\",\"esc\\u0061ped\":\"v\\u00e9\"}}"));

        Assert.Equal("u-42", request.User);
        Assert.Equal([new("feature", "chat"), new("escaped", "vé")], request.Metadata!);
    }

    [Fact]
    public void Null_user_and_metadata_mean_none()
    {
        var request = Valid(Chat("{\"model\":\"m\"," + Messages + ",\"user\":null,\"metadata\":null}"));

        Assert.Null(request.User);
        Assert.Null(request.Metadata);
    }

    [Theory]
    [InlineData(",\"user\":5", "user")]
    [InlineData(",\"metadata\":[]", "metadata")]
    [InlineData(",\"metadata\":{\"a\":1}", "metadata.a")]
    [InlineData(",\"metadata\":{\"\":\"x\"}", "metadata")]
    [InlineData(",\"user\":\"a\",\"user\":\"b\"", "user")]
    public void Malformed_attribution_is_a_400_naming_the_field(string extra, string param)
    {
        var result = Chat("{\"model\":\"m\"," + Messages + extra + "}");

        Assert.NotNull(result.Error);
        Assert.Equal(400, result.Error!.Status);
        Assert.Equal(param, result.Error.Param);
    }

    [Fact]
    public void More_than_sixteen_metadata_pairs_are_refused()
    {
        var pairs = string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\""));
        var result = Chat("{\"model\":\"m\"," + Messages + ",\"metadata\":{" + pairs + "}}");

        Assert.Equal("metadata", result.Error?.Param);
    }

    [Fact]
    public void Embeddings_read_the_user_field()
    {
        var request = Valid(Embeddings("{\"model\":\"e\",\"input\":\"x\",\"user\":\"u-7\"}"));

        Assert.Equal("u-7", request.User);
    }
}
