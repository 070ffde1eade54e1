using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Recorded OpenAI and Ollama answers replayed through an openai-compatible provider: the gateway is
/// a pass-through for them, so bodies come out byte for byte and streams chunk for chunk.
/// </summary>
public sealed class FixtureReplayTests(ReplayGateway replay) : IClassFixture<ReplayGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() =>
        RecordingCatalog.Rows(r => !r.IsAzure && r.Kind is RecordingKind.Chat or RecordingKind.Embeddings);

    public static IEnumerable<TheoryDataRow<string, bool>> Streams() => RecordingCatalog.StreamRows(r => !r.IsAzure);

    public static IEnumerable<TheoryDataRow<string>> Errors() => RecordingCatalog.Rows(r => !r.IsAzure && r.Kind == RecordingKind.Error);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Non_streamed_answer_is_relayed_byte_for_byte(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording);

        Assert.Equal(200, output.Status);
        Assert.Equal("application/json", output.MediaType);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(recording.Body), output.Text);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Stream_is_relayed_chunk_for_chunk(string id, bool includeUsage)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording, includeUsage);

        Assert.Equal(200, output.Status);
        Assert.Equal("text/event-stream", output.MediaType);
        var sent = SseTranscript.Payloads(System.Text.Encoding.UTF8.GetString(recording.Body));
        var received = SseTranscript.Payloads(output.Text);
        Assert.Equal(SseTranscript.Done, received[^1]);
        Assert.Single(received, p => p == SseTranscript.Done);

        // The gateway asks every upstream for usage (for its accounting), so it may hold back the
        // usage-only chunk from a client that did not ask for it; nothing else may change.
        Func<string, bool> compared = includeUsage ? _ => true : p => !StreamAssembly.IsUsageOnly(p);
        Assert.Equal(sent.Where(compared), received.Where(compared));
        Assert.Equal(StreamAssembly.Assemble(sent), StreamAssembly.Assemble(received));
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_keeps_its_status_and_reaches_the_client_as_an_OpenAI_error(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording);

        Assert.Equal(recording.Status, output.Status);
        Assert.Equal("application/json", output.MediaType);
        var upstreamError = JsonNode.Parse(recording.Body)!["error"];
        if (upstreamError is JsonObject)
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetString(recording.Body), output.Text); // OpenAI-shaped: relayed as it came
        }
        else
        {
            // Ollama's {"error":"text"}: the gateway writes its own OpenAI error, quoting the upstream's text.
            var message = JsonNode.Parse(output.Body)!["error"]!["message"]!.GetValue<string>();
            Assert.Contains(upstreamError!.GetValue<string>(), message, StringComparison.Ordinal);
        }
    }
}
