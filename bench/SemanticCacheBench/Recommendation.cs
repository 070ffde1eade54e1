using System.Globalization;
using System.Text;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>
/// The threshold rule, chosen on the tuning sets only (the QQP sample and PAWS dev) and reported on PAWS test: the
/// lowest threshold at which, with the guard on, the false-hit rate is at most <see cref="MaxFalseHitRate"/> on
/// both; when PAWS dev cannot get there (its negatives are word swaps a lexical embedder scores as near-identical),
/// the lowest that gets there on QQP, with the PAWS false-hit rate stated beside it.
/// </summary>
public static class Recommendation
{
    public const double MaxFalseHitRate = 0.02;

    public static string Describe(IReadOnlyList<QualityRow> rows, string embedder, int mockQueries)
    {
        var guarded = rows.Where(row => row.Embedder == embedder && row.Guarded).OrderBy(row => row.Threshold).ToList();
        var both = guarded.FirstOrDefault(row => row.Qqp.FalseHitRate <= MaxFalseHitRate && row.Dev.FalseHitRate <= MaxFalseHitRate);
        var chosen = both ?? guarded.FirstOrDefault(row => row.Qqp.FalseHitRate <= MaxFalseHitRate);
        var text = new StringBuilder();
        if (chosen is null)
        {
            return $"- `{embedder}`: no threshold keeps false hits at or below {MaxFalseHitRate:0%} even on QQP; do not serve semantic hits with it.";
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"- **`{embedder}`: threshold {chosen.Threshold:0.00}, guard on** — the lowest threshold with at most {MaxFalseHitRate:0%} false hits (guard on) on the QQP sample{(both is null ? "" : " and PAWS dev")}.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  It buys {chosen.MockPositives} of {mockQueries} GPTCache paraphrases ({chosen.MockNegatives} wrong answers), {chosen.Qqp.HitRate:0.0%} of QQP duplicates and {chosen.Test.HitRate:0.0%} of PAWS test paraphrases, at {chosen.Qqp.FalseHitRate:0.0%} false hits on QQP and {chosen.Test.FalseHitRate:0.0%} on PAWS test.");
        if (both is null)
        {
            var best = guarded.MinBy(row => row.Dev.FalseHitRate)!;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- No threshold gets PAWS dev to {MaxFalseHitRate:0%} (lowest {best.Dev.FalseHitRate:0.0%}, at {best.Threshold:0.00}): its negatives reuse nearly every word of their pair in another order, which a lexical embedder scores as near-identical and the guard's order check stops only in part. Such adversarial swaps are rare in real traffic but not absent; where they matter, use a real embedding model (`{ServerlessGateway.Caching.Semantic.EmbedderNames.Gateway}`) or the exact cache only.");
        }

        return text.ToString();
    }
}
