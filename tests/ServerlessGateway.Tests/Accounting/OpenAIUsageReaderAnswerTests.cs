using System.Buffers;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Tests.Accounting;

/// <summary>ReadAnswer reads a complete answer's usage in the same pass that proves the answer is JSON.</summary>
public sealed class OpenAIUsageReaderAnswerTests
{
    private static ReadOnlySequence<byte> Bytes(string json) => new(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Usage_of_a_valid_answer_is_read()
    {
        var usage = OpenAIUsageReader.ReadAnswer(Bytes("""{"id":"x","choices":[{"index":0}],"usage":{"prompt_tokens":7,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}}"""));

        Assert.Equal(new TokenUsage(7, 2, CachedInputTokens: 3), usage);
    }

    [Theory]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""[1,2,3]""")]
    public void Valid_json_without_usage_has_none(string json) => Assert.Null(OpenAIUsageReader.ReadAnswer(Bytes(json)));

    [Theory]
    [InlineData("""{"id":"x","usage":{"prompt_tokens":1}} trailing""")]
    [InlineData("""{"id":"x","choices":[""")]
    [InlineData("""[1,2""")]
    [InlineData("")]
    [InlineData("""{"\udc00":1}""")]
    public void Anything_that_is_not_one_whole_json_document_throws(string json) =>
        Assert.ThrowsAny<JsonException>(() => OpenAIUsageReader.ReadAnswer(Bytes(json)));
}
