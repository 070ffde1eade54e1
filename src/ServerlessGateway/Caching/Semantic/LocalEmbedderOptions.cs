namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The knobs of <see cref="LocalEmbedder"/>. The defaults are the variant chosen by bench/SemanticCacheBench
/// (docs/BENCHMARKS.md, "Semantic cache"); the others exist so the benchmark can compare variants. A weight of 0
/// switches that feature family off. Changing any of these changes every vector: stored vectors made with other
/// settings no longer compare (they belong in another semantic partition).
/// </summary>
public sealed record LocalEmbedderOptions
{
    public static LocalEmbedderOptions Default { get; } = new();

    /// <summary>Vector length. Hashing collisions add noise of about 1/sqrt(Dimensions) to every similarity; 256
    /// measured as good as 512 and 1024 on every set and halves memory and flat-search time.</summary>
    public int Dimensions { get; init; } = 256;

    /// <summary>Weight of a word.</summary>
    public float WordWeight { get; init; } = 1f;

    /// <summary>Weight of two adjacent words: a little word order, so "dog bites man" is not "man bites dog".</summary>
    public float BigramWeight { get; init; } = 0.7f;

    /// <summary>Total weight of a word's character 3–5-grams (spread over them), which match inflections and
    /// misspellings ("learn" / "learning", "institute" / "institutions").</summary>
    public float CharGramWeight { get; init; } = 0.8f;

    /// <summary>Factor on function words ("the", "is", "of") so they do not make unrelated questions alike.</summary>
    public float StopWordWeight { get; init; } = 0.5f;
}
