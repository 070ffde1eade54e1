using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Anthropic;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// Anthropic messages → OpenAI chat completions. Each golden file in Golden/answers holds an Anthropic
/// answer, the OpenAI answer it must become (created fixed at 1731000000), the normalised usage, and
/// the JSON answer the request asked for (an <see cref="AnthropicJsonAnswer.Kind"/>), if any.
/// </summary>
public sealed class AnthropicResponseMappingTests
{
    public const long Created = 1731000000;
    public const string DeploymentModel = "claude-sonnet-4-20250514";

    public static IEnumerable<TheoryDataRow<string>> Cases() => Golden.Cases("answers", ".json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Anthropic_answer_becomes_the_golden_OpenAI_answer(string name)
    {
        var golden = JsonNode.Parse(Golden.Read("answers", name + ".json"))!;
        var answerKind = Enum.Parse<AnthropicJsonAnswer.Kind>(golden["json_answer"]?.GetValue<string>() ?? "None");
        var body = Encoding.UTF8.GetBytes(golden["anthropic"]!.ToJsonString());

        var translated = AnthropicAnswerTranslator.Translate(body, answerKind, Created, DeploymentModel);

        Golden.AssertJsonEqual(golden["openai"], JsonNode.Parse(translated.Json), name);
        var expected = golden["token_usage"] is { } usage
            ? new TokenUsage(usage["input"]!.GetValue<long>(), usage["output"]!.GetValue<long>(), usage["cached"]!.GetValue<long>(), usage["cache_write"]!.GetValue<long>())
            : (TokenUsage?)null;
        Assert.Equal(expected, translated.Usage);
    }

    [Fact]
    public void The_gateways_usage_reader_reads_the_translated_usage_back_whole()
    {
        var body = Encoding.UTF8.GetBytes(JsonNode.Parse(Golden.Read("answers", "text-with-cache-usage.json"))!["anthropic"]!.ToJsonString());

        var translated = AnthropicAnswerTranslator.Translate(body, AnthropicJsonAnswer.Kind.None, Created, DeploymentModel);

        Assert.True(OpenAIUsageReader.TryRead(new System.Buffers.ReadOnlySequence<byte>(translated.Json), out var read, out _));
        Assert.Equal(translated.Usage, read);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"content":"text instead of blocks"}""")]
    public void A_body_that_is_not_an_Anthropic_message_is_an_error(string body)
    {
        Assert.ThrowsAny<JsonException>(() => AnthropicAnswerTranslator.Translate(Encoding.UTF8.GetBytes(body), AnthropicJsonAnswer.Kind.None, Created, DeploymentModel));
    }
}
