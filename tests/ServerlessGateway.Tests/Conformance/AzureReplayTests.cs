using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Recorded Azure OpenAI answers replayed through an azure-openai provider. Bodies pass through as
/// they came; streams lose only what is not an OpenAI chunk (prompt and asynchronous filter results)
/// and keep every delta, in order, with its Azure extras (content_filter_results).
/// </summary>
public sealed class AzureReplayTests(ReplayGateway replay) : IClassFixture<ReplayGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() => RecordingCatalog.Rows(r => r.IsAzure && r.Kind == RecordingKind.Chat);

    public static IEnumerable<TheoryDataRow<string, bool>> Streams() => RecordingCatalog.StreamRows(r => r.IsAzure);

    public static IEnumerable<TheoryDataRow<string>> Errors() => RecordingCatalog.Rows(r => r.IsAzure && r.Kind == RecordingKind.Error);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Non_streamed_answer_is_relayed_byte_for_byte_from_the_deployment_url(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording);

        Assert.Equal(200, output.Status);
        Assert.Equal(Encoding.UTF8.GetString(recording.Body), output.Text);
        Assert.StartsWith($"/openai/deployments/{ReplayGateway.AzureDeployment}/chat/completions?api-version=", output.UpstreamRequest.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("k", output.UpstreamRequest.Headers["api-key"]);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Stream_keeps_every_delta_and_drops_only_filter_results(string id, bool includeUsage)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording, includeUsage);

        Assert.Equal(200, output.Status);
        Assert.Equal("text/event-stream", output.MediaType);
        var sent = SseTranscript.Payloads(Encoding.UTF8.GetString(recording.Body));
        var received = SseTranscript.Payloads(output.Text);
        Assert.Equal(SseTranscript.Done, received[^1]);
        Assert.Single(received, p => p == SseTranscript.Done);
        var relayed = received.Where(p => p != SseTranscript.Done).ToList();
        Assert.All(relayed, p => Assert.True(Essentials(p) is not null, "relayed a chunk with neither a delta nor usage: " + p));
        Func<string, bool> compared = includeUsage ? _ => true : p => !StreamAssembly.IsUsageOnly(p);
        var expected = sent.Where(p => p != SseTranscript.Done).Select(Essentials).OfType<string>().Where(compared);
        Assert.Equal(expected, relayed.Select(p => Essentials(p)!).Where(compared));
        Assert.Equal(StreamAssembly.Assemble(sent), StreamAssembly.Assemble(received));
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_keeps_status_and_Azure_details_with_the_type_OpenAI_requires(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var output = await replay.ReplayAsync(recording);

        Assert.Equal(recording.Status, output.Status);
        Assert.Equal("application/json", output.MediaType);
        var expected = JsonNode.Parse(recording.Body)!;
        if (expected["error"]!["type"] is null)
        {
            expected["error"]!["type"] = "invalid_request_error"; // Azure's content_filter 400 says "type": null
        }

        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(output.Body)), output.Text);
    }

    /// <summary>
    /// What must survive of a chunk: id, the choices that carry a delta (whole, with their Azure
    /// fields), and usage; null for a chunk with neither deltas nor usage (it is dropped).
    /// </summary>
    private static string? Essentials(string payload)
    {
        var chunk = JsonNode.Parse(payload)!.AsObject();
        var choices = new JsonArray(chunk["choices"]!.AsArray().Where(c => c?["delta"] is JsonObject).Select(c => c!.DeepClone()).ToArray());
        var usage = chunk["usage"] as JsonObject;
        if (choices.Count == 0 && usage is null)
        {
            return null;
        }

        return new JsonObject { ["id"] = chunk["id"]?.DeepClone(), ["choices"] = choices, ["usage"] = usage?.DeepClone() }.ToJsonString();
    }
}
