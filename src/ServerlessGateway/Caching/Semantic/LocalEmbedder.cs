using System.Collections.Frozen;
using System.Numerics.Tensors;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// An embedder with no model and no network: signed feature hashing ("the hashing trick") of words, adjacent word
/// pairs and character 3–5-grams into a fixed-length vector, then L2-normalised. Deterministic across processes and
/// machines (<see cref="FeatureHash"/>), a few microseconds per sentence, one allocation (the vector).
/// <para>
/// What it is good at: the same question reworded lexically — reordered, re-punctuated, re-cased, inflected
/// ("learn"/"learning"), misspelt, with filler words added or dropped. What it is bad at: anything that needs
/// meaning — synonyms ("car"/"automobile"), paraphrases with different words, and telling apart sentences made of
/// the same words in another order (only adjacent pairs carry order). Its similarity is lexical overlap, so a high
/// score says "these share most of their words", not "these mean the same": pair it with <see cref="SemanticGuard"/>
/// and a high threshold, or use a real embedding model (<see cref="EmbedderNames.Gateway"/>).
/// </para>
/// </summary>
public sealed class LocalEmbedder : IEmbedder
{
    private const ulong WordSeed = 0x5EED_0001UL;
    private const ulong CharGramSeed = 0x5EED_0002UL;
    private const ulong UnigramSalt = 0xA5A5_0000_0000_0001UL;
    private const char WordStart = '<';
    private const char WordEnd = '>';
    private const int MinGram = 3;
    private const int MaxGram = 5;

    private static readonly FrozenSet<ulong> StopWordHashes =
        Lexicon.StopWords.Select(word => FeatureHash.OfLowered(word, WordSeed)).ToFrozenSet();

    private readonly LocalEmbedderOptions options;

    public LocalEmbedder()
        : this(LocalEmbedderOptions.Default)
    {
    }

    public LocalEmbedder(LocalEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Dimensions, 16);
        this.options = options;
    }

    public string Name => EmbedderNames.Local;

    public int Dimensions => options.Dimensions;

    public ValueTask<float[]?> EmbedAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(Embed(text));

    /// <summary>The vector of <paramref name="text"/>, or null when it has no words (nothing to compare).</summary>
    public float[]? Embed(ReadOnlySpan<char> text)
    {
        var vector = new float[options.Dimensions];
        return TryEmbed(text, vector) ? vector : null;
    }

    /// <summary>Writes the vector into <paramref name="destination"/> (length <see cref="Dimensions"/>); false, with
    /// the destination zeroed, when the text has no words.</summary>
    public bool TryEmbed(ReadOnlySpan<char> text, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, options.Dimensions);
        destination.Clear();
        var previous = 0UL;
        var previousWeight = 0f;
        foreach (var span in new WordTokenizer(text))
        {
            var word = span.In(text);
            var hash = FeatureHash.OfLowered(word, WordSeed);
            var weight = StopWordHashes.Contains(hash) ? options.StopWordWeight : 1f;
            Add(destination, FeatureHash.Mix(hash ^ UnigramSalt), options.WordWeight * weight);
            if (previousWeight > 0f)
            {
                Add(destination, FeatureHash.Combine(previous, hash), options.BigramWeight * MathF.Min(weight, previousWeight));
            }

            if (weight == 1f && options.CharGramWeight > 0f)
            {
                AddCharGrams(destination, word);
            }

            previous = hash;
            previousWeight = weight;
        }

        var norm = TensorPrimitives.Norm(destination);
        if (norm == 0f)
        {
            return false;
        }

        TensorPrimitives.Divide(destination, norm, destination);
        return true;
    }

    /// <summary>The word's 3–5-grams with boundary markers ("&lt;cat&gt;" gives "&lt;ca", "cat", "at&gt;", "&lt;cat", ...),
    /// each hashed incrementally from its start, their total weight spread so a long word counts no more than a short one.</summary>
    private void AddCharGrams(Span<float> destination, ReadOnlySpan<char> word)
    {
        var marked = word.Length + 2;
        var grams = 0;
        for (var n = MinGram; n <= MaxGram; n++)
        {
            grams += Math.Max(0, marked - n + 1);
        }

        var weight = options.CharGramWeight / MathF.Sqrt(grams);
        for (var start = 0; start <= marked - MinGram; start++)
        {
            var hash = FeatureHash.OffsetBasis ^ CharGramSeed;
            var end = Math.Min(start + MaxGram, marked);
            for (var i = start; i < end; i++)
            {
                var c = i == 0 ? WordStart : i == marked - 1 ? WordEnd : FeatureHash.Fold(word[i - 1]);
                hash = FeatureHash.Step(hash, c);
                if (i - start + 1 >= MinGram)
                {
                    Add(destination, FeatureHash.Mix(hash), weight);
                }
            }
        }
    }

    /// <summary>Signed hashing: the high half picks the dimension (multiply-shift, no modulo bias), the low bit the
    /// sign, so collisions cancel out on average instead of piling up.</summary>
    private static void Add(Span<float> destination, ulong hash, float weight)
    {
        var index = (int)(((hash >> 32) * (ulong)destination.Length) >> 32);
        destination[index] += (hash & 1) == 0 ? weight : -weight;
    }
}
