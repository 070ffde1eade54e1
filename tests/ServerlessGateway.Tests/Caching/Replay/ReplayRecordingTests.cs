using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;
using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>Real provider streams and answers (../shared recordings) through the assembler and the replay.</summary>
public sealed class ReplayRecordingTests
{
    public static IEnumerable<TheoryDataRow<string>> Streams() => RecordingCatalog.Rows(r => r.Kind == RecordingKind.Stream);

    public static IEnumerable<TheoryDataRow<string>> Answers() => RecordingCatalog.Rows(r => r.Kind == RecordingKind.Chat);

    [Theory]
    [MemberData(nameof(Streams))]
    public void A_recorded_stream_assembles_to_what_a_client_reads_and_its_replay_assembles_the_same(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);
        var chunks = RecordedAnswers.Chunks(recording);

        var (completion, reason) = RecordedAnswers.Assemble(recording);

        if (completion is null)
        {
            // Only a stream its publisher cut short (no finish_reason) may be refused.
            Assert.Contains("no finish_reason", reason, StringComparison.Ordinal);
            Assert.DoesNotContain(chunks, c => Encoding.UTF8.GetString(c).Contains("\"finish_reason\":\"", StringComparison.Ordinal));
            return;
        }

        var clientView = StreamAssembly.Assemble(chunks.Select(c => Encoding.UTF8.GetString(c)));
        Assert.Equal(clientView.Where(p => p.Value.Length > 0), ClientView(Parse(completion)));
        foreach (var includeUsage in new[] { true, false })
        {
            var again = Parse(ReplayKit.Assemble(ReplayChunks(completion, includeUsage, chunkChars: 16)));
            var expected = Parse(completion);
            if (!includeUsage)
            {
                expected.AsObject().Remove("usage");
            }

            AssertSameJson(expected, again);
        }
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_recorded_answer_replayed_and_assembled_is_what_the_cache_keeps_of_it(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var again = Parse(ReplayKit.Assemble(ReplayChunks(recording.Body, includeUsage: true, chunkChars: 16)));

        AssertSameJson(RecordedAnswers.Kept(JsonNode.Parse(recording.Body)!), again);
    }

    /// <summary>The completion in the keys <see cref="StreamAssembly"/> gives a client's reading of a stream.</summary>
    private static IEnumerable<KeyValuePair<string, string>> ClientView(JsonNode completion)
    {
        var view = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var choice in completion["choices"]!.AsArray())
        {
            var prefix = $"choice{choice!["index"]}.";
            var message = choice["message"]!;
            Add(view, prefix + "content", message["content"]);
            Add(view, prefix + "refusal", message["refusal"]);
            var calls = message["tool_calls"] as JsonArray ?? [];
            for (var i = 0; i < calls.Count; i++)
            {
                Add(view, $"{prefix}tool{i}.id", calls[i]!["id"]);
                Add(view, $"{prefix}tool{i}.name", calls[i]!["function"]!["name"]);
                Add(view, $"{prefix}tool{i}.arguments", calls[i]!["function"]!["arguments"]);
            }
        }

        return view.Where(p => p.Value.Length > 0);
    }

    private static void Add(SortedDictionary<string, string> view, string key, JsonNode? value)
    {
        if (value is not null)
        {
            view[key] = value.GetValue<string>();
        }
    }
}
