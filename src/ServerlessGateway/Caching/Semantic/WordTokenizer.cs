using System.Globalization;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>One word of a text, as a range of the original characters (nothing is copied).</summary>
internal readonly record struct WordSpan(int Start, int Length)
{
    public ReadOnlySpan<char> In(ReadOnlySpan<char> text) => text.Slice(Start, Length);
}

/// <summary>
/// Splits a text into words without allocating: runs of letters, digits and combining marks (so any script
/// works), numbers with their inner separators ("1,000", "3.5"), and the English negation clitic split off
/// ("don't" gives "do" and "n't") because negation is what a cache must never blur. Other clitics ("'s",
/// "'ll") become their own short words. Chinese and Japanese, written without spaces, give one word per character
/// (the usual unit for those scripts), so their word pairs are character pairs. Case is left alone: callers
/// lower-case as they read.
/// </summary>
internal ref struct WordTokenizer(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> text = text;
    private int position;
    private int pendingStart = -1;

    public WordSpan Current { get; private set; }

    public readonly WordTokenizer GetEnumerator() => this;

    public bool MoveNext()
    {
        if (pendingStart >= 0)
        {
            // The "n't" split off the previous word.
            Current = new WordSpan(pendingStart, 3);
            position = pendingStart + 3;
            pendingStart = -1;
            return true;
        }

        while (position < text.Length && !IsWordChar(text[position]))
        {
            position++;
        }

        if (position >= text.Length)
        {
            return false;
        }

        var start = position;
        if (IsIdeographic(text[position]))
        {
            Current = new WordSpan(start, 1);
            position++;
            return true;
        }

        while (position < text.Length)
        {
            var c = text[position];
            if (IsWordChar(c) && !IsIdeographic(c))
            {
                position++;
            }
            else if (IsNumberSeparator(c) && IsDigitAt(position - 1) && IsDigitAt(position + 1))
            {
                position += 2;
            }
            else
            {
                break;
            }
        }

        if (IsApostrophe(position) && position - start >= 2 && char.ToLowerInvariant(text[position - 1]) == 'n'
            && position + 1 < text.Length && char.ToLowerInvariant(text[position + 1]) == 't' && !IsWordCharAt(position + 2))
        {
            // "don't", "can't", "isn’t": the word without its n, then "n't" on the next call.
            pendingStart = position - 1;
            Current = new WordSpan(start, position - 1 - start);
            return true;
        }

        Current = new WordSpan(start, position - start);
        return true;
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>Han ideographs, hiragana and katakana.</summary>
    private static bool IsIdeographic(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF');

    private static bool IsNumberSeparator(char c) => c is '.' or ',';

    private readonly bool IsDigitAt(int index) => index >= 0 && index < text.Length && char.IsDigit(text[index]);

    private readonly bool IsWordCharAt(int index) => index < text.Length && IsWordChar(text[index]);

    private readonly bool IsApostrophe(int index) => index < text.Length && text[index] is '\'' or '\u2019';
}
