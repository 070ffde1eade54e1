namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// An in-process nearest-neighbour index over L2-normalised vectors, so cosine similarity is the dot product.
/// Implementations allow searches to run concurrently with the occasional add or remove.
/// </summary>
public interface IVectorIndex
{
    int Count { get; }

    /// <summary>Adds the vector under <paramref name="key"/>, replacing what that key held. The vector is copied.</summary>
    void Add(string key, float[] vector);

    bool Remove(string key);

    /// <summary>Up to <paramref name="k"/> nearest by cosine similarity, best first, only those &gt;= <paramref name="minSimilarity"/>.</summary>
    IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, float minSimilarity);
}

/// <summary>One search result: the key it was added under and its cosine similarity to the query.</summary>
public readonly record struct VectorMatch(string Key, float Similarity);
