using System.Text.Json;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Caching.Replay;

/// <summary>
/// Replays a cached chat.completion as the chat.completion.chunk stream OpenAI would have sent for it, so a caller
/// who asked for a stream gets one from a cached answer. What a stream cannot carry is refused, not dropped.
/// </summary>
public static class CompletionReplay
{
    /// <summary>
    /// Writes the chunks of <paramref name="completion"/> into <paramref name="sink"/>, choice after choice, then
    /// (when <paramref name="includeUsage"/> and the answer has usage) the usage chunk. Does not call
    /// <see cref="IChunkSink.Done"/>: the caller ends the stream.
    /// </summary>
    /// <returns>
    /// False, with nothing written, when the stored JSON is not a chat.completion a stream can carry (malformed,
    /// content that is not text, a tool call that is not a function call, function_call or audio). Never throws for
    /// what the JSON holds.
    /// </returns>
    public static bool TryWrite(ReadOnlySpan<byte> completion, IChunkSink sink, bool includeUsage, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Parse(completion) is not { } document)
        {
            return false;
        }

        using (document)
        {
            if (Read(document) is not { } stored)
            {
                return false;
            }

            using var writer = new ReplayChunkWriter(stored, sink, includeUsage, options ?? ReplayOptions.Default);
            foreach (var choice in stored.Choices)
            {
                writer.WriteChoice(choice);
            }

            if (includeUsage && stored.Usage is { } usage)
            {
                writer.WriteUsage(usage);
            }

            return true;
        }
    }

    /// <summary>Whether <see cref="TryWrite"/> would write <paramref name="completion"/>: the same checks, no chunks made.</summary>
    public static bool CanReplay(ReadOnlySpan<byte> completion)
    {
        if (Parse(completion) is not { } document)
        {
            return false;
        }

        using (document)
        {
            return Read(document) is not null;
        }
    }

    /// <summary>One JSON value and nothing after it, or null.</summary>
    private static JsonDocument? Parse(ReadOnlySpan<byte> completion)
    {
        try
        {
            var reader = new Utf8JsonReader(completion);
            var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                return null; // a second value after the answer
            }

            return document;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static StoredCompletion? Read(JsonDocument document)
    {
        try
        {
            return StoredCompletion.Read(document.RootElement);
        }
        catch (InvalidOperationException)
        {
            return null; // text with an escaped lone surrogate: not valid Unicode, so not valid in a chunk either
        }
    }
}
