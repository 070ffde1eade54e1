using System.Text;
using ServerlessGateway.Tests.Conformance;
using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>
/// What the cache serves checked against OpenAI's OpenAPI schema (../shared/spec, with node and ajv): every
/// assembled completion, and every chunk of every replay, for the sample streams and the shared recordings.
/// </summary>
public sealed class ReplaySpecTests
{
    [Fact]
    public async Task Every_assembled_completion_is_a_valid_CreateChatCompletionResponse()
    {
        SpecValidator.SkipIfUnavailable();

        var documents = Completions().Select(c => new SpecValidator.Document(c.Name + ".json", c.Completion)).ToList();

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletion, documents);
    }

    [Fact]
    public async Task Every_replayed_chunk_is_a_valid_CreateChatCompletionStreamResponse()
    {
        SpecValidator.SkipIfUnavailable();

        var documents = Completions()
            .SelectMany(c => new[]
            {
                new SpecValidator.Document(c.Name + ".usage.sse", ReplayAsSse(c.Completion, includeUsage: true, chunkChars: 5)),
                new SpecValidator.Document(c.Name + ".sse", ReplayAsSse(c.Completion, includeUsage: false)),
            })
            .ToList();

        await SpecValidator.AssertValidAsync(SpecValidator.ChatCompletionChunk, documents);
    }

    /// <summary>The sample streams assembled, the recorded streams assembled (those cacheable), and the recorded answers.</summary>
    private static IEnumerable<(string Name, byte[] Completion)> Completions()
    {
        foreach (var (name, stream) in SampleStreams.All)
        {
            yield return ("sample-" + FileName(name), Assemble(stream));
        }

        foreach (var recording in RecordingCatalog.All())
        {
            if (recording.Kind == RecordingKind.Stream && RecordedAnswers.Assemble(recording).Completion is { } completion)
            {
                yield return ("stream-" + FileName(recording.Id), completion);
            }
            else if (recording.Kind == RecordingKind.Chat)
            {
                // Replayed and assembled: what a cache hit on a stored non-streamed answer serves.
                yield return ("answer-" + FileName(recording.Id), Assemble(ReplayChunks(recording.Body, includeUsage: true)));
            }
        }
    }

    private static string FileName(string name)
    {
        var file = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            file.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return file.ToString();
    }
}
