using System.Text;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// Piece boundaries, written out for the cases where the regexes' backtracking decides: which alternative wins,
/// where greedy runs give characters back, how whitespace splits before text and at the end. (The ids these give
/// are checked against the reference elsewhere; these pin down why.) Pieces are joined with '|'.
/// </summary>
public sealed class PreTokenizerTests
{
    [Theory]
    [InlineData(" Hello world", " Hello| world")]
    [InlineData("HTTPServer XMLHttp", "HTTPServer| XMLHttp")] // [U]* takes "HTTPS", [L]+ the rest
    [InlineData("don't DON'T Don'T", "don't| DON'T| Don'T")] // the contraction belongs to the word, in any case
    [InlineData("ok'ſ", "ok'ſ")] // (?i) folds ſ to s, as Rust's regex does
    [InlineData("\u0301A1", "\u0301|A|1")] // a mark may be the prefix; [L]+ then settles for the mark alone
    [InlineData("ABC\u0301D!", "ABC\u0301|D|!")] // [U]* gives back up to the last character in both classes
    [InlineData("1234567", "123|456|7")]
    [InlineData("   x", "  | x")] // \s+(?!\S) leaves one space for the word
    [InlineData("a\n\n  b", "a|\n\n| | b")] // \s*[\r\n]+ stops after the last line break
    [InlineData("end  \n\t", "end|  \n|\t")]
    [InlineData("x!!!\n/y", "x|!!!\n/|y")] // o200k: [\r\n/]* after punctuation
    [InlineData("a +-b", "a| +-|b")]
    [InlineData("\u3000漢字 \u00A0x", "\u3000漢字| |\u00A0x")] // any whitespace but a line break can lead a word
    [InlineData("🇫🇷👍🏽!", "🇫🇷👍🏽!")]
    public void O200k_pieces(string text, string pieces) => Assert.Equal(pieces, Split<O200kPreTokenizer>(text));

    [Theory]
    [InlineData(" Hello world", " Hello| world")]
    [InlineData("HTTPServer", "HTTPServer")]
    [InlineData("don't DON'T", "don|'t| DON|'T")] // contractions are pieces of their own
    [InlineData("'sa 'Re", "'s|a| '|Re")]
    [InlineData("\u0301A1", "\u0301A|1")] // a mark is not a letter: it is the optional prefix
    [InlineData("1234567", "123|456|7")]
    [InlineData("   x", "  | x")]
    [InlineData("a\n\n  b", "a|\n\n| | b")]
    [InlineData("x!!!\n/y", "x|!!!\n|/y")] // no "/" after the line breaks in cl100k: it leads the word instead
    [InlineData("\u3000漢字", "\u3000漢字")]
    public void Cl100k_pieces(string text, string pieces) => Assert.Equal(pieces, Split<Cl100kPreTokenizer>(text));

    [Fact]
    public void Every_piece_boundary_is_a_character_boundary_and_the_pieces_cover_the_text()
    {
        var text = string.Concat(Enumerable.Repeat("a\u0301 ß 中文 👨‍👩‍👧 \t\n x'll 12345 ?!/\u2028", 50));

        Assert.Equal(text, Split<O200kPreTokenizer>(text).Replace("|", "", StringComparison.Ordinal));
        Assert.Equal(text, Split<Cl100kPreTokenizer>(text).Replace("|", "", StringComparison.Ordinal));
    }

    private static string Split<T>(string text)
        where T : struct, IPreTokenizer
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var pieces = new List<string>();
        for (var start = 0; start < utf8.Length;)
        {
            var end = T.NextPieceEnd(utf8, start);
            Assert.True(end > start);
            pieces.Add(Encoding.UTF8.GetString(utf8, start, end - start));
            start = end;
        }

        return string.Join('|', pieces);
    }
}
