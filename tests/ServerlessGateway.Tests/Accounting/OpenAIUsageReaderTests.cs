using System.Buffers;
using System.Text;
using ServerlessGateway.Accounting;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Accounting;

public sealed class OpenAIUsageReaderTests
{
    [Fact]
    public void Completion_body_with_cached_and_reasoning_details()
    {
        var found = Read(OpenAIWire.Completion(), out var usage, out var choicesEmpty);

        Assert.True(found);
        Assert.False(choicesEmpty);
        Assert.Equal(new TokenUsage(11, 4, CachedInputTokens: 3, ReasoningTokens: 0), usage);
        Assert.Equal(15, usage.TotalTokens);
    }

    [Fact]
    public void Usage_chunk_that_ends_a_stream()
    {
        var found = Read(OpenAIWire.UsageChunk(prompt: 20, completion: 7), out var usage, out var choicesEmpty);

        Assert.True(found);
        Assert.True(choicesEmpty);
        Assert.Equal(new TokenUsage(20, 7), usage);
    }

    [Fact]
    public void All_details_including_ones_the_gateway_does_not_price()
    {
        const string json = """
            {"choices":[ ],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,
             "prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0,"cache_write_tokens":64},
             "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """;

        Assert.True(Read(json, out var usage, out var choicesEmpty));
        Assert.True(choicesEmpty);
        Assert.Equal(new TokenUsage(1200, 300, CachedInputTokens: 1024, CacheWriteTokens: 64, ReasoningTokens: 256), usage);
    }

    [Fact]
    public void Responses_api_names()
    {
        const string json = """{"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":6,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":16}}""";

        Assert.True(Read(json, out var usage, out _));
        Assert.Equal(new TokenUsage(10, 6, CachedInputTokens: 4, ReasoningTokens: 2), usage);
    }

    [Theory]
    [InlineData("""{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null}""", false)]
    [InlineData("""{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}""", false)]
    [InlineData("""{"choices":[],"usage":null}""", true)]
    [InlineData("""{"choices":[{"index":0,"usage":{"prompt_tokens":99}}]}""", false)]
    [InlineData("""{"usage":5,"choices":null}""", false)]
    [InlineData("""[{"usage":{"prompt_tokens":1}}]""", false)]
    [InlineData("""{"usage":{"prompt_tokens":1}""", false)]
    [InlineData("not json", false)]
    [InlineData("", false)]
    public void No_usage(string json, bool expectedChoicesEmpty)
    {
        Assert.False(Read(json, out var usage, out var choicesEmpty));
        Assert.Equal(default, usage);
        Assert.Equal(expectedChoicesEmpty, choicesEmpty);
    }

    [Fact]
    public void Odd_values_count_as_zero_without_losing_the_place()
    {
        const string json = """{"usage":{"prompt_tokens":{"nested":7},"completion_tokens":5,"prompt_tokens_details":null,"completion_tokens_details":[1,2],"x":{"prompt_tokens":100}},"choices":[]}""";

        Assert.True(Read(json, out var usage, out var choicesEmpty));
        Assert.Equal(new TokenUsage(0, 5), usage);
        Assert.True(choicesEmpty);
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":null,"completion_tokens":"5"}}""")]
    [InlineData("""{"usage":{"prompt_tokens":1.5,"completion_tokens":1e40}}""")]
    [InlineData("""{"usage":{}}""")]
    public void Non_integer_counts_are_zero(string json)
    {
        Assert.True(Read(json, out var usage, out _));
        Assert.Equal(default, usage);
    }

    [Fact]
    public void Usage_split_across_buffer_segments()
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAIWire.UsageChunk(prompt: 123, completion: 45));
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.True(OpenAIUsageReader.TryRead(Sequences.Split(bytes, cut), out var usage, out var choicesEmpty));
            Assert.Equal(new TokenUsage(123, 45), usage);
            Assert.True(choicesEmpty);
        }
    }

    [Theory]
    [InlineData("""{"choices":[],"usage":null}""", false)]
    [InlineData("""{"choices":[],"usage" : null}""", false)]
    [InlineData("{\"choices\":[],\"usage\":\n\t null}", false)]
    [InlineData("""{"choices":[{"delta":{"content":"hi"}}]}""", false)]
    [InlineData("""{"choices":[{"delta":{"content":"say \"usage\":{ please"}}]}""", false)]
    [InlineData("", false)]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1}}""", true)]
    [InlineData("""{"choices":[],"usage": {"prompt_tokens":1}}""", true)]
    [InlineData("""{"choices":[],"usage"  :  {""", true)]
    [InlineData("""{"choices":[],"usage":""", true)]
    [InlineData("""{"choices":[],"usage"}""", true)]
    [InlineData("""{"model":"usage","choices":[]}""", true)]
    [InlineData("""{"choices":[{"index":0,"usage":null}],"usage":{"prompt_tokens":1}}""", true)]
    public void May_carry_usage(string json, bool expected)
    {
        Assert.Equal(expected, OpenAIUsageReader.MayCarryUsage(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Every_chunk_the_full_reader_finds_usage_in_passes_the_pre_check()
    {
        foreach (var json in new[] { OpenAIWire.Completion(), OpenAIWire.UsageChunk(), """{"choices":[{"usage":null}],"usage":{"prompt_tokens":2}}""" })
        {
            Assert.True(Read(json, out _, out _));
            Assert.True(OpenAIUsageReader.MayCarryUsage(Encoding.UTF8.GetBytes(json)), json);
        }
    }

    private static bool Read(string json, out TokenUsage usage, out bool choicesEmpty) =>
        OpenAIUsageReader.TryRead(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out usage, out choicesEmpty);
}
