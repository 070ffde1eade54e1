namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The second look before a semantic hit is served. Similar vectors say two texts share most of their words; they
/// cannot say the texts ask the same thing ("turn on the lights" and "turn off the lights" are near-identical to
/// any embedder). This disagrees when the texts differ in something small that changes the answer: negation,
/// numbers, names / quoted strings / code-like tokens, a word against its opposite, much more content on one side,
/// or shared words swapped around one that stayed (PAWS's hard negatives: "flights from NY to Florida" / "from
/// Florida to NY"). English-centred and deliberately strict: a wrong "disagree" costs one cache miss, a wrong
/// "agree" serves a wrong answer. Tuned on PAWS dev only (docs/BENCHMARKS.md, "Semantic cache").
/// </summary>
public static class SemanticGuard
{
    /// <summary>Below this ratio of content words (shorter / longer) the texts ask for different amounts.</summary>
    private const double MinContentRatio = 0.5;

    /// <summary>The order check compares shared words pairwise; past this many (long prompts) it is skipped.</summary>
    private const int MaxSharedWordsForOrder = 256;

    public static GuardVerdict Check(string query, string cached)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(cached);
        var a = new GuardText(query);
        var b = new GuardText(cached);
        if (a.NegationCount != b.NegationCount)
        {
            return GuardVerdict.Disagree(GuardReasons.Negation);
        }

        if (!a.Numbers.SequenceEqual(b.Numbers, StringComparer.Ordinal))
        {
            return GuardVerdict.Disagree(GuardReasons.Numbers);
        }

        if (!NamesFound(a, b) || !NamesFound(b, a))
        {
            return GuardVerdict.Disagree(GuardReasons.Entities);
        }

        if (Opposed(a, b))
        {
            return GuardVerdict.Disagree(GuardReasons.Polarity);
        }

        var (shorter, longer) = (Math.Min(a.ContentWordCount, b.ContentWordCount), Math.Max(a.ContentWordCount, b.ContentWordCount));
        if (longer > 0 && shorter < MinContentRatio * longer)
        {
            return GuardVerdict.Disagree(GuardReasons.Length);
        }

        return GuardOrder.Swapped(a, b, MaxSharedWordsForOrder) ? GuardVerdict.Disagree(GuardReasons.Order) : GuardVerdict.Agree;
    }

    /// <summary>Every name, quoted string and code-like token of <paramref name="from"/> is in <paramref name="to"/>
    /// (names and quotes case-insensitively anywhere, code tokens as tokens).</summary>
    private static bool NamesFound(GuardText from, GuardText to) =>
        from.Names.All(to.Counts.ContainsKey)
        && from.Quotes.All(quote => to.Lowered.Contains(quote, StringComparison.Ordinal))
        && from.CodeTokens.All(to.CodeTokens.Contains);

    /// <summary>Some opposite pair leans one way in <paramref name="a"/> and the other way in <paramref name="b"/>
    /// ("on" more in one, "off" more in the other).</summary>
    private static bool Opposed(GuardText a, GuardText b)
    {
        Dictionary<int, int>? balance = null;
        foreach (var (word, count) in a.Counts)
        {
            Lean(ref balance, word, count);
        }

        foreach (var (word, count) in b.Counts)
        {
            Lean(ref balance, word, -count);
        }

        // Per pair, the first word's surplus in a and the second word's: opposite signs mean opposite requests.
        return balance is not null && balance.Any(entry => entry.Key > 0 && balance.TryGetValue(-entry.Key, out var second)
            && ((entry.Value > 0 && second < 0) || (entry.Value < 0 && second > 0)));
    }

    private static void Lean(ref Dictionary<int, int>? balance, string word, int count)
    {
        if (OppositeSides(word) is { } sides)
        {
            balance ??= [];
            foreach (var side in sides)
            {
                balance[side] = balance.GetValueOrDefault(side) + count;
            }
        }
    }

    /// <summary>The opposite pairs a word is in, trying it as written and then without a common inflection
    /// ("enabled", "stopping", "opens").</summary>
    private static int[]? OppositeSides(string word)
    {
        if (Lexicon.Opposites.TryGetValue(word, out var sides))
        {
            return sides;
        }

        var opposites = Lexicon.Opposites.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "d"])
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = word.AsSpan(0, word.Length - suffix.Length);
                if (opposites.TryGetValue(stem, out sides)
                    || (stem.Length > 3 && stem[^1] == stem[^2] && opposites.TryGetValue(stem[..^1], out sides)))
                {
                    return sides;
                }
            }
        }

        return null;
    }
}
