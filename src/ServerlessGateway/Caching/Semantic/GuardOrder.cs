namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The word-order check of <see cref="SemanticGuard"/>. Two shared content words X and Y are "swapped" when X
/// comes before an anchor word W and Y after it in one text, and the other way round in the other — X and Y
/// crossed W in opposite directions, as in "from NY to Florida" / "from Florida to NY" (W = "to"). A clause moved
/// as a whole ("In 1972, the family moved" / "The family moved in 1972") crosses its anchors in one direction only,
/// so it passes. Swaps within a list ("A, B and C" / "C, B and A") are let through: only separators, function
/// words and names stand between X and Y there. Only words found exactly once in each text take part, so
/// positions are unambiguous. Measured on PAWS dev: this stops most of its swapped-word negatives at the cost of
/// about one paraphrase in twenty (docs/BENCHMARKS.md).
/// </summary>
internal static class GuardOrder
{
    public static bool Swapped(GuardText a, GuardText b, int maxSharedWords)
    {
        var shared = new List<(int InA, int InB, bool Content)>();
        foreach (var (word, count) in a.Counts)
        {
            if (count == 1 && b.Counts.GetValueOrDefault(word) == 1 && word is not ("and" or "or" or "nor"))
            {
                shared.Add((a.FirstPositions[word], b.FirstPositions[word], GuardText.IsContent(word)));
            }
        }

        if (shared.Count > maxSharedWords)
        {
            return false;
        }

        foreach (var anchor in shared)
        {
            foreach (var x in shared)
            {
                if (x.InA >= anchor.InA || x.InB <= anchor.InB || !x.Content)
                {
                    continue;
                }

                foreach (var y in shared)
                {
                    if (y.InA > anchor.InA && y.InB < anchor.InB && y.Content
                        && !IsList(a, x.InA, y.InA) && !IsList(b, y.InB, x.InB))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Between the two positions there is a list separator and nothing but separators, function words,
    /// names and numbers.</summary>
    private static bool IsList(GuardText text, int from, int to)
    {
        var separated = false;
        for (var i = from + 1; i < to; i++)
        {
            var token = text.Tokens[i];
            var isSeparator = token.Text is GuardText.Separator or "and" or "or" or "nor";
            separated |= isSeparator;
            if (!isSeparator && !token.Capitalised && GuardText.IsContent(token.Text) && !char.IsDigit(token.Text[0]))
            {
                return false;
            }
        }

        return separated;
    }
}
