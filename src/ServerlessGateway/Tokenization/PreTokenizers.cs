using System.Runtime.CompilerServices;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// Splits text into the pieces BPE runs on. An implementation is a hand-written equivalent of one tiktoken
/// pattern: at each position the first alternative that matches wins, with exactly the greedy-with-backtracking
/// result the regex engine gives, but in one forward pass with no backtracking blow-up on any input.
/// </summary>
internal interface IPreTokenizer
{
    /// <summary>The end (exclusive) of the piece that starts at <paramref name="start"/> (&lt; text.Length).</summary>
    static abstract int NextPieceEnd(ReadOnlySpan<byte> text, int start);
}

/// <summary>Pieces of the patterns both encodings share.</summary>
internal static class PatternParts
{
    /// <summary>
    /// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="index"/>: the end of the contraction, or
    /// <paramref name="index"/> when there is none. Case-insensitive the way tiktoken's Rust regex is (simple
    /// Unicode case folding), so 's' also matches U+017F LATIN SMALL LETTER LONG S; no other code point folds to
    /// one of these letters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Contraction(ReadOnlySpan<byte> text, int index)
    {
        if (index + 1 >= text.Length || text[index] != '\'')
        {
            return index;
        }

        var c = text[index + 1] | 0x20; // ASCII lower case (only compared with letters)
        switch (c)
        {
            case 's' or 't' or 'm' or 'd':
                return index + 2;
            case 'r' or 'v' when index + 2 < text.Length && (text[index + 2] | 0x20) == 'e':
                return index + 3;
            case 'l' when index + 2 < text.Length && (text[index + 2] | 0x20) == 'l':
                return index + 3;
        }

        // U+017F is C5 BF in UTF-8 (0xC5 | 0x20 is 0xE5, so compare the raw byte).
        return text[index + 1] == 0xC5 && index + 2 < text.Length && text[index + 2] == 0xBF ? index + 3 : index;
    }

    /// <summary>
    /// The three whitespace alternatives both patterns end with, for a run of whitespace at <paramref name="start"/>:
    /// <c>\s*[\r\n]+</c> (up to and including the run's last line break), else <c>\s+(?!\S)</c> (the run, minus its
    /// last character when something follows), else <c>\s+</c> (a single whitespace character before text).
    /// </summary>
    public static int Whitespace(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        var lastStart = start;
        var afterLastNewline = -1;
        while (position < text.Length)
        {
            var kind = CharKinds.At(text, position, out var length);
            if ((kind & CharKind.WhiteSpace) == 0)
            {
                break;
            }

            if ((kind & CharKind.Newline) != 0)
            {
                afterLastNewline = position + length;
            }

            lastStart = position;
            position += length;
        }

        if (afterLastNewline > 0)
        {
            return afterLastNewline;
        }

        // At the end of the text the lookahead succeeds for the whole run; before text it gives back one character.
        return position == text.Length || lastStart == start ? position : lastStart;
    }

    /// <summary>The end of a run of code points that have any of <paramref name="kinds"/>, from <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RunOf(ReadOnlySpan<byte> text, int start, CharKind kinds)
    {
        var position = start;
        while (position < text.Length && (CharKinds.At(text, position, out var length) & kinds) != 0)
        {
            position += length;
        }

        return position;
    }

    /// <summary>The end of a run of "punctuation" (<c>[^\s\p{L}\p{N}]+</c>), from <paramref name="start"/>.</summary>
    public static int PunctuationRun(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        while (position < text.Length && IsPunctuation(CharKinds.At(text, position, out var length)))
        {
            position += length;
        }

        return position;
    }

    /// <summary><c>[^\s\p{L}\p{N}]</c>: marks are in it (they are not letters), as are symbols and U+FFFD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPunctuation(CharKind kind) => (kind & (CharKind.Letter | CharKind.Number | CharKind.WhiteSpace)) == 0;

    /// <summary><c>[^\r\n\p{L}\p{N}]</c>, the optional character before a word: spaces, tabs, punctuation, marks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWordPrefix(CharKind kind) => (kind & (CharKind.Letter | CharKind.Number | CharKind.Newline)) == 0;

    /// <summary><c>\p{N}{1,3}</c> after its first code point: up to two more numeric code points.</summary>
    public static int UpToThreeNumbers(ReadOnlySpan<byte> text, int afterFirst)
    {
        var position = afterFirst;
        for (var count = 1; count < 3 && position < text.Length; count++)
        {
            if ((CharKinds.At(text, position, out var length) & CharKind.Number) == 0)
            {
                break;
            }

            position += length;
        }

        return position;
    }

    /// <summary><c>[\r\n]*</c> (cl100k) or <c>[\r\n/]*</c> (o200k) after a punctuation run.</summary>
    public static int LineBreaks(ReadOnlySpan<byte> text, int position, bool alsoSlash)
    {
        while (position < text.Length && (text[position] is (byte)'\r' or (byte)'\n' || (alsoSlash && text[position] == '/')))
        {
            position++;
        }

        return position;
    }
}
