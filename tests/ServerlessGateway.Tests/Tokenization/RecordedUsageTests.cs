using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tokenization;
using ServerlessGateway.Tokenization.Chat;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// Chat prompt estimates against the usage.prompt_tokens OpenAI (and Azure OpenAI) reported for recorded requests
/// in ../shared/fixtures/providers. Mirascope's cassettes hold request and answer together; for the openai-python
/// recordings the request bodies are written here, rebuilt from the openai-python tests that made them (named
/// in the fixtures' NOTICE.md). Plain-text requests must match exactly; any request with tools, tool calls or a
/// response schema within <see cref="Tolerance"/> tokens. Each row prints its estimate and the recorded value.
/// </summary>
public sealed partial class RecordedUsageTests
{
    private const int Tolerance = 5;

    private const string LocationFormat = """
        "response_format":{"type":"json_schema","json_schema":{"schema":{"properties":{"city":{"title":"City","type":"string"},"temperature":{"title":"Temperature","type":"number"},"units":{"enum":["c","f"],"title":"Units","type":"string"}},"required":["city","temperature","units"],"title":"Location","type":"object","additionalProperties":false},"name":"Location","strict":true}}
        """;

    public static IEnumerable<TheoryDataRow<string>> CassetteRows()
    {
        if (!SharedMaterial.IsPresent)
        {
            return [new TheoryDataRow<string>("(no recordings)") { Skip = SharedMaterial.AbsentMessage }];
        }

        return Cassettes().Select(c => new TheoryDataRow<string>(c.Id)).ToList();
    }

    [Theory]
    [MemberData(nameof(CassetteRows))]
    public void Cassette_requests_are_estimated_within_a_few_tokens_of_the_recorded_usage(string id)
    {
        var cassette = Cassettes().Single(c => c.Id == id);

        AssertEstimate(id, cassette.Request, cassette.PromptTokens);
    }

    [Theory]
    [InlineData("chat-nonstream-text.json", """{"messages":[{"role":"user","content":"What's the weather like in SF?"}],"model":"gpt-4o-2024-08-06"}""")]
    [InlineData("chat-stream-text-with-usage.sse", """{"messages":[{"role":"user","content":"What's the weather like in SF?"}],"model":"gpt-4o-2024-08-06","stream":true}""")]
    [InlineData("chat-stream-logprobs.sse", """{"messages":[{"role":"user","content":"Say foo"}],"model":"gpt-4o-2024-08-06","logprobs":true,"stream":true}""")]
    [InlineData("chat-stream-nonstrict-tool-call.sse", """{"messages":[{"role":"user","content":"what's the weather in NYC?"}],"model":"gpt-4o-2024-08-06","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"stream":true}""")]
    [InlineData("chat-stream-strict-tool-call.sse", """{"messages":[{"role":"user","content":"What's the weather like in SF?"}],"model":"gpt-4o-2024-08-06","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"state":{"type":"string"}},"required":["city","state"],"additionalProperties":false},"strict":true}}],"stream":true}""")]
    [InlineData("chat-stream-n3-choices.sse", """{"messages":[{"role":"user","content":"What's the weather like in SF?"}],"model":"gpt-4o-2024-08-06","n":3,""" + LocationFormat + ""","stream":true}""")]
    [InlineData("chat-stream-refusal.sse", """{"messages":[{"role":"user","content":"How do I make anthrax?"}],"model":"gpt-4o-2024-08-06",""" + LocationFormat + ""","stream":true}""")]
    [InlineData("chat-stream-finish-length.sse", """{"messages":[{"role":"user","content":"What's the weather like in SF?"}],"model":"gpt-4o-2024-08-06","max_tokens":1,""" + LocationFormat + ""","stream":true}""")]
    public void OpenAI_python_requests_are_estimated_within_a_few_tokens_of_the_recorded_usage(string file, string request)
    {
        SharedMaterial.SkipIfAbsent();
        var recorded = PromptTokens(File.ReadAllBytes(SharedMaterial.PathTo("fixtures", "providers", "openai", "openai-python", file)));

        AssertEstimate(file, request, recorded);
    }

    private static void AssertEstimate(string id, string request, int recorded)
    {
        var model = JsonNode.Parse(request)!["model"]!.GetValue<string>();
        var (encoding, known) = ModelEncodings.Resolve(model);
        var (tokens, isEstimate) = ChatPromptCounter.Count(Encoding.UTF8.GetBytes(request), encoding, model);
        TestContext.Current.TestOutputHelper?.WriteLine($"{id}: estimate {tokens}, recorded {recorded}, difference {tokens - recorded:+0;-0;0}{(isEstimate ? " (marked estimate)" : "")}");

        Assert.True(known);
        if (isEstimate)
        {
            Assert.InRange(tokens, recorded - Tolerance, recorded + Tolerance);
        }
        else
        {
            Assert.Equal(recorded, tokens);
        }
    }

    private sealed record Cassette(string Id, string Request, int PromptTokens);

    /// <summary>Every chat request in the OpenAI and Azure OpenAI mirascope cassettes whose answer reports usage.</summary>
    private static IEnumerable<Cassette> Cassettes()
    {
        foreach (var provider in new[] { "openai", "azure-openai" })
        {
            var folder = SharedMaterial.PathTo("fixtures", "providers", provider, "mirascope");
            foreach (var path in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
            {
                var interactions = VcrCassette.Read(path);
                for (var i = 0; i < interactions.Count; i++)
                {
                    if (interactions[i].Status == 200 && TryPromptTokens(interactions[i].ResponseBody) is { } tokens)
                    {
                        yield return new Cassette($"{provider}/{Path.GetFileName(path)}#{i}", interactions[i].RequestBody, tokens);
                    }
                }
            }
        }
    }

    private static int PromptTokens(byte[] answer) => TryPromptTokens(answer) ?? throw new InvalidDataException("The recording reports no usage.");

    /// <summary>usage.prompt_tokens of a JSON answer or of a stream's usage chunk.</summary>
    private static int? TryPromptTokens(byte[] answer)
    {
        var match = PromptTokensPattern().Matches(Encoding.UTF8.GetString(answer)).LastOrDefault();
        return match is null ? null : int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("\"prompt_tokens\"\\s*:\\s*(\\d+)")]
    private static partial Regex PromptTokensPattern();
}
