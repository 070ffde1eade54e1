using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// Whether a conversation contains code: a ``` fence, or a pattern prose practically never has (a function
/// definition, an access-modified member, an include, an import line, uppercase SQL, a lambda, a statement or
/// block ending a line, markup tags). It reads the most recent part of the messages' JSON only — that is where
/// the current work is, and it bounds the cost — with JSON escapes decoded first: SDKs escape characters such as
/// ` &lt; &gt; and quotes as \u0060 and friends, and newlines are always escaped.
/// </summary>
public static partial class CodeDetector
{
    /// <summary>The latest 64 KB of the messages: several screens of code, scanned in well under a millisecond.</summary>
    public const int ScanBytes = 64 * 1024;

    public static bool HasCode(ReadOnlySpan<byte> messagesJson)
    {
        var tail = messagesJson.Length > ScanBytes ? messagesJson[^ScanBytes..] : messagesJson;
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(tail.Length, 1));
        try
        {
            // A cut through a multi-byte character or an escape at the start only costs a character or two.
            var text = chars.AsSpan(0, Unescape(chars.AsSpan(0, Encoding.UTF8.GetChars(tail, chars))));
            return text.IndexOf("```", StringComparison.Ordinal) >= 0 || CodePattern().IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // an input that makes the patterns backtrack this long is not recognisably code
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Decodes JSON string escapes in place (the result is never longer) and returns the new length.</summary>
    internal static int Unescape(Span<char> json)
    {
        var written = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c != '\\' || i + 1 == json.Length)
            {
                json[written++] = c;
                continue;
            }

            var code = json[++i];
            if (code == 'u' && i + 4 < json.Length
                && ushort.TryParse(json.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                json[written++] = (char)unit;
                i += 4;
                continue;
            }

            json[written++] = code switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' or 'f' => ' ',
                _ => code, // \" \\ \/ (and anything malformed) stand for the character itself
            };
        }

        return written;
    }

    [GeneratedRegex(
        """
        \b(?:def|fn|func)\s+\w+\s*\([^)\n]{0,200}\)\s*(?::|\{|->)
        | \bfunction\s*\w*\s*\([^)\n]{0,200}\)\s*\{
        | \b(?:public|private|protected|internal)\s+(?:(?:static|async|override|virtual|final|readonly|abstract|sealed|partial)\s+)*(?:class|interface|record|struct|enum)\s+\w+\s*(?:[{:(<\n]|extends\b|implements\b)
        | \b(?:public|private|protected|internal)\s+(?:(?:static|async|override|virtual|final|readonly|abstract|sealed)\s+)*(?:[\w<>\[\],?]+\s+)?\w+\s*\([^)\n]{0,200}\)\s*(?:\{|=>|\n|;|throws\b)
        | \#include\s*[<"]
        | (?:^|[\n"])[\ \t]*(?:import\s+[\w.]+(?:\s+as\s+\w+)?|from\s+[\w.]+\s+import\s+[\w*,\ ]+|using\s+[\w.]+;|package\s+[\w.]+;?)[\ \t;]*(?:$|[\n"])
        | \b(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\b[^;]{1,200}?\b(?:FROM|VALUES|SET|WHERE)\b
        | =>\s*\{
        | \)\s*;[\ \t]*\n
        | \)\s*\{[\ \t]*\n
        | \b(?:console\.log|System\.out\.print\w*|printf|println!?|fmt\.Print\w*)\s*\(
        | </?(?:div|span|script|html|body|table|template)\b[^>\n]{0,200}>
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 100)]
    private static partial Regex CodePattern();
}
