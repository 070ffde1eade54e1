namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The fixed hash behind <see cref="LocalEmbedder"/>'s features: 64-bit FNV-1a over the lower-cased UTF-16 code
/// units, finished with MurmurHash3's fmix64 so every output bit depends on every input bit. Fixed on purpose —
/// string.GetHashCode is randomised per process, and a vector stored by one process must match a query embedded
/// by another. Changing anything here changes every vector: rename the embedder when you do.
/// </summary>
internal static class FeatureHash
{
    public const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>One step of FNV-1a.</summary>
    public static ulong Step(ulong hash, char c) => (hash ^ c) * Prime;

    /// <summary>FNV-1a of a word, folded as it is read.</summary>
    public static ulong OfLowered(ReadOnlySpan<char> word, ulong seed)
    {
        var hash = OffsetBasis ^ seed;
        foreach (var c in word)
        {
            hash = Step(hash, Fold(c));
        }

        return hash;
    }

    /// <summary>Lower case, and the typographic apostrophe as the plain one ("isn’t" is "isn't").</summary>
    public static char Fold(char c) => c == '\u2019' ? '\'' : char.ToLowerInvariant(c);

    /// <summary>Two hashes combined into one (for word bigrams).</summary>
    public static ulong Combine(ulong first, ulong second) => Mix(first ^ (second * 0x9E3779B97F4A7C15UL));

    /// <summary>MurmurHash3's 64-bit finaliser.</summary>
    public static ulong Mix(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
