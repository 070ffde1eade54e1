using System.Text.RegularExpressions;
using ServerlessGateway.Tests.Conformance;
using Document = ServerlessGateway.Tests.Conformance.SpecValidator.Document;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// What OpenAI clients receive when the recorded Anthropic traffic is replayed through the gateway,
/// checked against OpenAI's schemas (../shared/spec/openai/openapi.yaml): answers, every chunk of
/// every stream (usage chunk included) and errors. The validator's output names each failing recording.
/// </summary>
public sealed partial class AnthropicSpecConformanceTests(AnthropicReplayGateway replay) : IClassFixture<AnthropicReplayGateway>
{
    [Fact]
    public async Task Replayed_Anthropic_recordings_reach_the_client_as_valid_OpenAI_responses()
    {
        SpecValidator.SkipIfUnavailable();
        var bySchema = new Dictionary<string, List<Document>>();
        foreach (var recording in AnthropicRecordings.All())
        {
            var (schema, extension) = recording.IsError ? (SpecValidator.Error, ".json")
                : recording.IsStream ? (SpecValidator.ChatCompletionChunk, ".sse")
                : (SpecValidator.ChatCompletion, ".json");
            var output = await replay.ReplayAsync(AnthropicReplayGateway.ChatBody(AnthropicReplayGateway.Model, recording.IsStream, includeUsage: true), recording);
            var name = FileNameUnsafe().Replace(recording.Id, "_") + extension;
            bySchema.TryAdd(schema, []);
            bySchema[schema].Add(new Document(name, output.Body));
        }

        Assert.Equal(3, bySchema.Count); // answers, chunks and errors are all covered
        foreach (var (schema, documents) in bySchema)
        {
            await SpecValidator.AssertValidAsync(schema, documents);
        }
    }

    /// <summary>The golden answers are what the translation must produce (reasoning_content, cache_write_tokens and all): they must be valid too.</summary>
    [Fact]
    public async Task The_golden_OpenAI_answers_are_valid_OpenAI_responses()
    {
        SpecValidator.SkipIfUnavailable();
        var documents = new List<Document>();
        foreach (var name in Golden.Names("answers", ".json"))
        {
            var golden = System.Text.Json.Nodes.JsonNode.Parse(Golden.Read("answers", name + ".json"))!;
            documents.Add(new Document(name + ".json", System.Text.Encoding.UTF8.GetBytes(golden["openai"]!.ToJsonString())));
        }

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletion, documents);
    }

    /// <summary>Every chunk line of the golden streams (the role chunk, tool-call deltas, reasoning_content, the usage chunk).</summary>
    [Fact]
    public async Task The_golden_OpenAI_chunks_are_valid_OpenAI_chunks()
    {
        SpecValidator.SkipIfUnavailable();
        var documents = Golden.Names("streams", ".txt")
            .Select(name =>
            {
                var text = Golden.Read("streams", name + ".txt").ReplaceLineEndings("\n");
                var chunks = text[text.IndexOf("--- openai\n", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith('{'));
                return new Document(name + ".jsonl", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', chunks)));
            })
            .ToList();

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletionChunk, documents);
    }

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex FileNameUnsafe();
}
