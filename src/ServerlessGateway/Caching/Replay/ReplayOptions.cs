namespace ServerlessGateway.Caching.Replay;

/// <summary>How a cached answer is cut into stream chunks.</summary>
public sealed record ReplayOptions
{
    public static ReplayOptions Default { get; } = new();

    private readonly int chunkChars = 64;

    /// <summary>
    /// The most UTF-16 chars of text (content, refusal, reasoning, tool-call arguments) in one chunk; pieces end
    /// after a space or newline when one falls in the second half. At least 2, so a surrogate pair always fits.
    /// </summary>
    public int ChunkChars
    {
        get => chunkChars;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            chunkChars = value;
        }
    }

    /// <summary>The length of the next piece of <paramref name="rest"/>: never empty, never splits a surrogate pair.</summary>
    internal int NextPieceLength(ReadOnlySpan<char> rest)
    {
        if (rest.Length <= chunkChars)
        {
            return rest.Length;
        }

        var space = rest[..chunkChars].LastIndexOfAny(' ', '\n');
        if (space >= chunkChars / 2)
        {
            return space + 1; // a few whole words, as a model's tokens arrive
        }

        return char.IsHighSurrogate(rest[chunkChars - 1]) && char.IsLowSurrogate(rest[chunkChars]) ? chunkChars - 1 : chunkChars;
    }
}
