using System.Globalization;
using System.Text;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>An embedder under test, under the name the tables give it.</summary>
public sealed record EmbedderVariant(string Name, IEmbedder Embedder);

/// <summary>
/// Hit and false-hit rates per embedder, threshold and guard setting, by two protocols: GPTCache's (cache every
/// origin, query with each paraphrase, nearest neighbour over all cached entries) and the pair protocol (a pair
/// would hit when its similarity reaches the threshold and, with the guard, the guard agrees).
/// </summary>
public static class QualityBench
{
    public static readonly float[] Thresholds = [0.70f, 0.75f, 0.80f, 0.85f, 0.90f, 0.95f];

    public static async Task<string> RunAsync(EvaluationData data, IReadOnlyList<EmbedderVariant> variants)
    {
        var guardQqp = GuardAll(data.QqpSample);
        var guardDev = GuardAll(data.PawsDev);
        var guardTest = GuardAll(data.PawsTest);
        var table = new MarkdownTable("embedder", "threshold", "guard", "GPTCache pos / neg / miss",
            "QQP hit", "QQP false hit", "PAWS dev hit", "PAWS dev false hit", "PAWS test hit", "PAWS test false hit");
        var report = new StringBuilder();
        var rows = new List<QualityRow>();
        foreach (var variant in variants)
        {
            var mock = await GptCacheProtocol.RunAsync(variant.Embedder, data.GptCacheMock);
            var qqp = await PairSimilaritiesAsync(variant.Embedder, data.QqpSample);
            var dev = await PairSimilaritiesAsync(variant.Embedder, data.PawsDev);
            var test = await PairSimilaritiesAsync(variant.Embedder, data.PawsTest);
            foreach (var threshold in Thresholds)
            {
                foreach (var guarded in new[] { false, true })
                {
                    var (positive, negative, miss) = mock.Count(threshold, guarded);
                    var row = new QualityRow(variant.Name, threshold, guarded, positive, negative,
                        Rates(data.QqpSample, qqp, guardQqp, threshold, guarded),
                        Rates(data.PawsDev, dev, guardDev, threshold, guarded),
                        Rates(data.PawsTest, test, guardTest, threshold, guarded));
                    rows.Add(row);
                    table.Add(variant.Name, threshold.ToString("0.00", CultureInfo.InvariantCulture), guarded ? "on" : "off",
                        $"{positive} / {negative} / {miss}", row.Qqp.Hit, row.Qqp.FalseHit, row.Dev.Hit, row.Dev.FalseHit, row.Test.Hit, row.Test.FalseHit);
                }
            }
        }

        report.AppendLine("### Quality: hit and false-hit rates").AppendLine().Append(table).AppendLine();
        report.AppendLine("### The guard alone (every pair, no threshold)").AppendLine().Append(GuardTable(data, guardQqp, guardDev, guardTest)).AppendLine();
        report.AppendLine("### Recommended threshold").AppendLine().AppendLine(Recommendation.Describe(rows, variants[0].Name, data.GptCacheMock.Count));
        return report.ToString();
    }

    private static GuardVerdict[] GuardAll(IReadOnlyList<TextPair> pairs) =>
        pairs.Select(pair => SemanticGuard.Check(pair.A, pair.B)).ToArray();

    private static async Task<float[]> PairSimilaritiesAsync(IEmbedder embedder, IReadOnlyList<TextPair> pairs)
    {
        var similarities = new float[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            var a = await embedder.EmbedAsync(pairs[i].A, CancellationToken.None);
            var b = await embedder.EmbedAsync(pairs[i].B, CancellationToken.None);
            similarities[i] = a is null || b is null ? 0f : System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
        }

        return similarities;
    }

    private static PairRates Rates(IReadOnlyList<TextPair> pairs, float[] similarities, GuardVerdict[] verdicts, float threshold, bool guarded)
    {
        int positives = 0, hits = 0, negatives = 0, falseHits = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var hit = similarities[i] >= threshold && (!guarded || verdicts[i].Agrees);
            if (pairs[i].Label == 1)
            {
                positives++;
                hits += hit ? 1 : 0;
            }
            else
            {
                negatives++;
                falseHits += hit ? 1 : 0;
            }
        }

        return new PairRates(hits, positives, falseHits, negatives);
    }

    /// <summary>How often the guard agrees per label, and which check stops the negatives.</summary>
    private static MarkdownTable GuardTable(EvaluationData data, params GuardVerdict[][] verdicts)
    {
        var table = new MarkdownTable("set", "agrees on label 1", "agrees on label 0", "label-0 stops by reason", "label-1 stops by reason");
        var sets = new[] { ("QQP sample", data.QqpSample), ("PAWS dev", data.PawsDev), ("PAWS test", data.PawsTest) };
        for (var s = 0; s < sets.Length; s++)
        {
            var (name, pairs) = sets[s];
            var byLabel = pairs.Zip(verdicts[s]).ToLookup(item => item.First.Label, item => item.Second);
            table.Add(name,
                MarkdownTable.Percent(byLabel[1].Count(v => v.Agrees), byLabel[1].Count()),
                MarkdownTable.Percent(byLabel[0].Count(v => v.Agrees), byLabel[0].Count()),
                Reasons(byLabel[0]), Reasons(byLabel[1]));
        }

        return table;
    }

    private static string Reasons(IEnumerable<GuardVerdict> verdicts) => string.Join(", ", verdicts
        .Where(v => !v.Agrees)
        .GroupBy(v => v.Reason)
        .OrderByDescending(group => group.Count())
        .Select(group => $"{group.Key} {group.Count()}"));
}

/// <summary>Hits among label-1 pairs and false hits among label-0 pairs.</summary>
public sealed record PairRates(int Hits, int Positives, int FalseHits, int Negatives)
{
    public string Hit => MarkdownTable.Percent(Hits, Positives);

    public string FalseHit => MarkdownTable.Percent(FalseHits, Negatives);

    public double FalseHitRate => Negatives == 0 ? 0 : (double)FalseHits / Negatives;

    public double HitRate => Positives == 0 ? 0 : (double)Hits / Positives;
}

public sealed record QualityRow(
    string Embedder, float Threshold, bool Guarded, int MockPositives, int MockNegatives, PairRates Qqp, PairRates Dev, PairRates Test);
