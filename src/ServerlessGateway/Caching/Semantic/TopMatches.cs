namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The best <c>k</c> (id, similarity) pairs seen so far, best first, none below a floor. Kept as a sorted array
/// with insertion: k is small (usually 1), so this beats a heap and allocates only the k slots.
/// </summary>
internal struct TopMatches(int k, float minSimilarity)
{
    private int[]? ids;
    private float[]? similarities;
    private int count;

    /// <summary>What a candidate must beat to get in.</summary>
    public readonly float Floor => count < k ? minSimilarity : similarities![count - 1];

    public void Offer(int id, float similarity)
    {
        if (similarity < minSimilarity || (count == k && similarity <= similarities![count - 1]))
        {
            return;
        }

        ids ??= new int[k];
        similarities ??= new float[k];
        var at = count < k ? count++ : count - 1;
        while (at > 0 && similarities[at - 1] < similarity)
        {
            ids[at] = ids[at - 1];
            similarities[at] = similarities[at - 1];
            at--;
        }

        ids[at] = id;
        similarities[at] = similarity;
    }

    /// <summary>The matches, with ids turned into keys.</summary>
    public readonly IReadOnlyList<VectorMatch> ToMatches(string?[] keys)
    {
        if (count == 0)
        {
            return [];
        }

        var matches = new VectorMatch[count];
        for (var i = 0; i < count; i++)
        {
            matches[i] = new VectorMatch(keys[ids![i]]!, similarities![i]);
        }

        return matches;
    }
}
