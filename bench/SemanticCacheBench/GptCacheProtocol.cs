using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>
/// GPTCache's benchmark (examples/benchmark): every origin is cached, every paraphrase is a query, and the nearest
/// cached entry is served when it reaches the threshold — the same pair's entry is a positive, another pair's a
/// negative (false hit), nothing a miss. With the guard, a nearest entry the guard disagrees with is a miss.
/// </summary>
public sealed class GptCacheProtocol
{
    private readonly (int Match, float Similarity, bool GuardAgrees)[] nearest;

    private GptCacheProtocol((int, float, bool)[] nearest) => this.nearest = nearest;

    public static async Task<GptCacheProtocol> RunAsync(IEmbedder embedder, IReadOnlyList<TextPair> pairs)
    {
        var origins = new List<float[]>();
        foreach (var pair in pairs)
        {
            origins.Add(await embedder.EmbedAsync(pair.A, CancellationToken.None) ?? throw new InvalidOperationException("no vector for an origin"));
        }

        using var index = new FlatVectorIndex(origins[0].Length, pairs.Count);
        for (var i = 0; i < origins.Count; i++)
        {
            index.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), origins[i]);
        }

        var nearest = new (int, float, bool)[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            var query = await embedder.EmbedAsync(pairs[i].B, CancellationToken.None);
            var best = query is null ? [] : index.Search(query, 1, float.NegativeInfinity);
            if (best.Count == 0)
            {
                nearest[i] = (-1, float.NegativeInfinity, false);
                continue;
            }

            var match = int.Parse(best[0].Key, System.Globalization.CultureInfo.InvariantCulture);
            nearest[i] = (match, best[0].Similarity, SemanticGuard.Check(pairs[i].B, pairs[match].A).Agrees);
        }

        return new GptCacheProtocol(nearest);
    }

    public (int Positive, int Negative, int Miss) Count(float threshold, bool guarded)
    {
        int positive = 0, negative = 0, miss = 0;
        for (var i = 0; i < nearest.Length; i++)
        {
            var (match, similarity, agrees) = nearest[i];
            if (similarity < threshold || (guarded && !agrees))
            {
                miss++;
            }
            else if (match == i)
            {
                positive++;
            }
            else
            {
                negative++;
            }
        }

        return (positive, negative, miss);
    }
}
