namespace ServerlessGateway.Tokenization;

/// <summary>
/// cl100k_base's pattern, as tiktoken's Rust core (and js-tiktoken) run it:
/// <code>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</code>
/// (Python tiktoken 0.7+ writes it with possessive quantifiers and <c>\s++$</c>; it splits trailing whitespace
/// differently, but no cl100k token spans a line break followed by other whitespace, so the ids are the same.)
/// </summary>
internal readonly struct Cl100kPreTokenizer : IPreTokenizer
{
    public static int NextPieceEnd(ReadOnlySpan<byte> text, int start)
    {
        // 's 't 're 've 'm 'll 'd
        if (text[start] == '\'')
        {
            var contraction = PatternParts.Contraction(text, start);
            if (contraction > start)
            {
                return contraction;
            }
        }

        var kind = CharKinds.At(text, start, out var length);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if ((kind & CharKind.Letter) != 0)
        {
            return PatternParts.RunOf(text, start + length, CharKind.Letter);
        }

        var next = start + length;
        if (PatternParts.IsWordPrefix(kind) && next < text.Length && (CharKinds.At(text, next, out var nextLength) & CharKind.Letter) != 0)
        {
            return PatternParts.RunOf(text, next + nextLength, CharKind.Letter);
        }

        // \p{N}{1,3}
        if ((kind & CharKind.Number) != 0)
        {
            return PatternParts.UpToThreeNumbers(text, next);
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        if (text[start] == ' ' && next < text.Length && PatternParts.IsPunctuation(CharKinds.At(text, next, out _)))
        {
            return PatternParts.LineBreaks(text, PatternParts.PunctuationRun(text, next), alsoSlash: false);
        }

        if (PatternParts.IsPunctuation(kind))
        {
            return PatternParts.LineBreaks(text, PatternParts.PunctuationRun(text, next), alsoSlash: false);
        }

        // \s*[\r\n]+|\s+(?!\S)|\s+
        return PatternParts.Whitespace(text, start);
    }
}
