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
        using var replay = Prepare(completion);
        replay?.Write(sink, includeUsage, options);
        return replay is not null;
    }

    /// <summary>
    /// The checked, parsed completion, ready to be written; null when <see cref="TryWrite"/> would return false. Lets a
    /// caller learn that a stored answer cannot be replayed before it commits to a response.
    /// </summary>
    public static PreparedReplay? Prepare(ReadOnlySpan<byte> completion)
    {
        if (Parse(completion) is not { } document)
        {
            return null;
        }

        if (Read(document) is not { } stored)
        {
            document.Dispose();
            return null;
        }

        return new PreparedReplay(document, stored);
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

/// <summary>A stored completion that can be replayed; holds its parsed JSON until disposed.</summary>
public sealed class PreparedReplay : IDisposable
{
    private readonly JsonDocument document;
    private readonly StoredCompletion stored;

    internal PreparedReplay(JsonDocument document, StoredCompletion stored)
    {
        this.document = document;
        this.stored = stored;
    }

    /// <summary>
    /// Writes the chunks, choice after choice, then (when <paramref name="includeUsage"/> and the answer has usage) the
    /// usage chunk. Does not call <see cref="IChunkSink.Done"/>: the caller ends the stream.
    /// </summary>
    public void Write(IChunkSink sink, bool includeUsage, ReplayOptions? options = null)
    {
        using var writer = new ReplayChunkWriter(stored, sink, includeUsage, options ?? ReplayOptions.Default);
        foreach (var choice in stored.Choices)
        {
            writer.WriteChoice(choice);
        }

        if (includeUsage && stored.Usage is { } usage)
        {
            writer.WriteUsage(usage);
        }
    }

    public void Dispose() => document.Dispose();
}
