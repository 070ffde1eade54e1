namespace ServerlessGateway.Tokenization;

/// <summary>
/// o200k_base's pattern (tiktoken's <c>o200k_base</c> <c>pat_str</c>), alternatives in order:
/// <code>
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// \p{N}{1,3}
///  ?[^\s\p{L}\p{N}]+[\r\n/]*
/// \s*[\r\n]+ | \s+(?!\S) | \s+
/// </code>
/// The first two overlap (Lm, Lo and marks are in both classes; marks may also be the optional prefix), so the
/// backtracking order matters: the prefix is tried taken, then not; <c>[U]*</c> gives characters back until
/// <c>[L]+</c> can start.
/// </summary>
internal readonly struct O200kPreTokenizer : IPreTokenizer
{
    private const CharKind Upper = CharKind.UpperLike;
    private const CharKind Lower = CharKind.LowerLike;

    public static int NextPieceEnd(ReadOnlySpan<byte> text, int start)
    {
        var kind = CharKinds.At(text, start, out var length);
        var next = start + length;
        var afterPrefix = PatternParts.IsWordPrefix(kind) && next < text.Length ? next : -1;
        var startsWord = (kind & (Upper | Lower)) != 0;
        if (afterPrefix > 0 || startsWord)
        {
            var word = Word(text, start, afterPrefix, startsWord);
            if (word > 0)
            {
                return word;
            }
        }

        // \p{N}{1,3}
        if ((kind & CharKind.Number) != 0)
        {
            return PatternParts.UpToThreeNumbers(text, next);
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n/]*
        if (text[start] == ' ' && next < text.Length && PatternParts.IsPunctuation(CharKinds.At(text, next, out _)))
        {
            return PatternParts.LineBreaks(text, PatternParts.PunctuationRun(text, next), alsoSlash: true);
        }

        if (PatternParts.IsPunctuation(kind))
        {
            return PatternParts.LineBreaks(text, PatternParts.PunctuationRun(text, next), alsoSlash: true);
        }

        return PatternParts.Whitespace(text, start);
    }

    /// <summary>The two word alternatives, each with the prefix taken and then not; -1 when neither matches.</summary>
    private static int Word(ReadOnlySpan<byte> text, int start, int afterPrefix, bool startsWord)
    {
        int end;
        if (afterPrefix > 0 && (end = UpperThenLower(text, afterPrefix)) > 0)
        {
            return PatternParts.Contraction(text, end);
        }

        if (startsWord && (end = UpperThenLower(text, start)) > 0)
        {
            return PatternParts.Contraction(text, end);
        }

        if (afterPrefix > 0 && (end = UpperThenOptionalLower(text, afterPrefix)) > 0)
        {
            return PatternParts.Contraction(text, end);
        }

        if (startsWord && (end = UpperThenOptionalLower(text, start)) > 0)
        {
            return PatternParts.Contraction(text, end);
        }

        return -1;
    }

    /// <summary>
    /// <c>[U]*[L]+</c> from <paramref name="start"/>, or -1. Greedy <c>[U]*</c> takes the whole upper-ish run; if
    /// a lower-case letter follows, <c>[L]+</c> runs on from there. Otherwise the regex gives back characters until
    /// <c>[L]+</c> can start on one, which is the run's last character that is in both classes (Lm, Lo or a mark),
    /// and <c>[L]+</c> stops right after it (what follows it in the run is Lu/Lt, or is not a letter).
    /// </summary>
    private static int UpperThenLower(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        var afterLastInBoth = -1;
        while (position < text.Length)
        {
            var kind = CharKinds.At(text, position, out var length);
            if ((kind & Upper) == 0)
            {
                if ((kind & Lower) != 0)
                {
                    return PatternParts.RunOf(text, position + length, Lower);
                }

                break;
            }

            position += length;
            if ((kind & Lower) != 0)
            {
                afterLastInBoth = position;
            }
        }

        return afterLastInBoth;
    }

    /// <summary><c>[U]+[L]*</c> from <paramref name="start"/>, or -1 when it does not start with an upper-ish character.</summary>
    private static int UpperThenOptionalLower(ReadOnlySpan<byte> text, int start)
    {
        var upperEnd = PatternParts.RunOf(text, start, Upper);
        return upperEnd == start ? -1 : PatternParts.RunOf(text, upperEnd, Lower);
    }
}
