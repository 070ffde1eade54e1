using System.Globalization;
using System.Runtime.CompilerServices;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// What the pre-tokenisation patterns need to know of a code point, as flags. The sets mirror the regex classes:
/// <c>\p{L}</c>, o200k's "upper-ish" <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c> and "lower-ish"
/// <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>, <c>\p{N}</c>, <c>\s</c> (Unicode White_Space, which is what .NET's
/// char.IsWhiteSpace and Rust's <c>\s</c> both mean) and <c>[\r\n]</c>. Everything else (punctuation, symbols,
/// format and unassigned code points, U+FFFD) has no flag.
/// </summary>
[Flags]
internal enum CharKind : byte
{
    None = 0,
    Letter = 1,
    UpperLike = 2,
    LowerLike = 4,
    Number = 8,
    WhiteSpace = 16,
    Newline = 32,
}

/// <summary>Classifies code points read from UTF-8: a table for ASCII and the BMP, the Unicode tables beyond.</summary>
internal static class CharKinds
{
    /// <summary>Marks are in both of o200k's letter classes but not in <c>\p{L}</c>.</summary>
    public const CharKind Mark = CharKind.UpperLike | CharKind.LowerLike;

    /// <summary>Built once (64 KB): a table lookup is several times cheaper than CharUnicodeInfo per character.</summary>
    private static readonly CharKind[] Bmp = BuildBmp();

    /// <summary>
    /// The kind of the code point starting at <paramref name="index"/> of valid UTF-8, and its length in bytes.
    /// (Valid because the encoder transcodes its input itself, replacing anything invalid with U+FFFD.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CharKind At(ReadOnlySpan<byte> utf8, int index, out int length)
    {
        uint b = utf8[index];
        if (b < 0x80)
        {
            length = 1;
            return Bmp[b];
        }

        return NonAscii(utf8, index, b, out length);
    }

    private static CharKind NonAscii(ReadOnlySpan<byte> utf8, int index, uint lead, out int length)
    {
        if (lead < 0xE0)
        {
            length = 2;
            return Bmp[((lead & 0x1F) << 6) | (utf8[index + 1] & 0x3Fu)];
        }

        if (lead < 0xF0)
        {
            length = 3;
            return Bmp[((lead & 0x0F) << 12) | ((utf8[index + 1] & 0x3Fu) << 6) | (utf8[index + 2] & 0x3Fu)];
        }

        length = 4;
        var codePoint = ((lead & 0x07) << 18) | ((utf8[index + 1] & 0x3Fu) << 12) | ((utf8[index + 2] & 0x3Fu) << 6) | (utf8[index + 3] & 0x3Fu);
        return FromCategory(CharUnicodeInfo.GetUnicodeCategory((int)codePoint), isWhiteSpace: false);
    }

    /// <summary>The kind of one code point (tests and the table builder).</summary>
    public static CharKind Of(int codePoint) =>
        codePoint < Bmp.Length ? Bmp[codePoint] : FromCategory(CharUnicodeInfo.GetUnicodeCategory(codePoint), isWhiteSpace: false);

    private static CharKind[] BuildBmp()
    {
        var table = new CharKind[0x10000];
        for (var c = 0; c < table.Length; c++)
        {
            var ch = (char)c;
            table[c] = char.IsSurrogate(ch) ? CharKind.None : FromCategory(CharUnicodeInfo.GetUnicodeCategory(ch), char.IsWhiteSpace(ch));
        }

        table['\r'] |= CharKind.Newline;
        table['\n'] |= CharKind.Newline;
        return table;
    }

    private static CharKind FromCategory(UnicodeCategory category, bool isWhiteSpace)
    {
        var kind = category switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => CharKind.Letter | CharKind.UpperLike,
            UnicodeCategory.LowercaseLetter => CharKind.Letter | CharKind.LowerLike,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter | CharKind.UpperLike | CharKind.LowerLike,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Mark,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharKind.Number,
            _ => CharKind.None,
        };
        return isWhiteSpace ? kind | CharKind.WhiteSpace : kind;
    }
}
