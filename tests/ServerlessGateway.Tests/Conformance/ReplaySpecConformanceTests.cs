using System.Text.RegularExpressions;
using Document = ServerlessGateway.Tests.Conformance.SpecValidator.Document;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// What clients receive when the shared recordings are replayed through the gateway, checked against
/// OpenAI's schemas: OpenAI answers pass through valid, Azure answers come out valid (the gateway
/// normalises Azure streams and error bodies), and Ollama's known deviation is pinned down.
/// The validator's output names each failing recording.
/// </summary>
public sealed partial class ReplaySpecConformanceTests(ReplayGateway replay) : IClassFixture<ReplayGateway>
{
    /// <summary>Everything but Ollama's chat completions (below), one validator run per schema for speed.</summary>
    [Fact]
    public async Task Replayed_recordings_reach_the_client_as_valid_OpenAI_responses()
    {
        SpecValidator.SkipIfUnavailable();
        var bySchema = new Dictionary<string, List<Document>>();
        foreach (var recording in RecordingCatalog.All().Where(r => !IsOllamaChat(r)))
        {
            var schema = SchemaFor(recording.Kind);
            bySchema.TryAdd(schema, []);
            bySchema[schema].Add(await ReplayAsync(recording));
        }

        Assert.Equal(4, bySchema.Count); // chat, chunks, embeddings and errors are all covered
        foreach (var (schema, documents) in bySchema)
        {
            await SpecValidator.AssertValidAsync(schema, documents);
        }
    }

    /// <summary>
    /// Known upstream deviation, kept on purpose: Ollama's non-streamed chat completion lacks the
    /// required choices[].logprobs and message.refusal. Ollama is an openai-compatible upstream, whose
    /// answers the gateway relays byte for byte (FixtureReplayTests), so it does not patch them. If this
    /// fails because the body became valid or broke differently, the gateway's behaviour changed.
    /// </summary>
    [Fact]
    public async Task Ollama_chat_completion_is_relayed_with_its_known_missing_fields()
    {
        SpecValidator.SkipIfUnavailable();
        var documents = new List<Document>();
        foreach (var recording in RecordingCatalog.All().Where(IsOllamaChat))
        {
            documents.Add(await ReplayAsync(recording));
        }

        Assert.NotEmpty(documents);

        var result = await SpecValidator.ValidateAsync(SpecValidator.ChatCompletion, documents);

        Assert.False(result.Valid, result.Output);
        Assert.Equal(documents.Count, FailedFiles().Count(result.Output));
        var problems = ProblemLines().Matches(result.Output).SelectMany(m => m.Groups[1].Value.Split("; ")).ToList();
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Matches("^data/choices/0(/message)? must have required property '(logprobs|refusal)'$", p));
    }

    private static bool IsOllamaChat(Recording recording) => recording.Provider == Recording.Ollama && recording.Kind == RecordingKind.Chat;

    /// <summary>Streams are replayed with include_usage, so the final usage chunk is checked too.</summary>
    private async Task<Document> ReplayAsync(Recording recording)
    {
        var output = await replay.ReplayAsync(recording, includeUsage: true);
        Assert.True(output.Status == recording.Status, $"{recording.Id}: expected {recording.Status}, got {output.Status}: {output.Text}");
        var name = FileNameUnsafe().Replace(recording.Id, "_");
        var extension = recording.Kind == RecordingKind.Stream ? ".sse" : ".json"; // tells the validator how to read the file
        name = name.EndsWith(extension, StringComparison.Ordinal) ? name : name + extension;
        return new Document(name, output.Body);
    }

    private static string SchemaFor(RecordingKind kind) => kind switch
    {
        RecordingKind.Chat => SpecValidator.ChatCompletion,
        RecordingKind.Stream => SpecValidator.ChatCompletionChunk,
        RecordingKind.Embeddings => SpecValidator.Embeddings,
        _ => SpecValidator.Error,
    };

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex FileNameUnsafe();

    [GeneratedRegex("^FAIL ", RegexOptions.Multiline)]
    private static partial Regex FailedFiles();

    /// <summary>The validator's problem lines: "  file#n: problem; problem".</summary>
    [GeneratedRegex(@"^  \S+#\d+: (.*)$", RegexOptions.Multiline)]
    private static partial Regex ProblemLines();
}
