using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>One token of a text as <see cref="SemanticGuard"/> reads it: a lower-cased word, or "," standing for
/// a list separator (comma, semicolon, ampersand, slash) between words.</summary>
internal readonly record struct GuardToken(string Text, bool Capitalised);

/// <summary>
/// What <see cref="SemanticGuard"/> compares, read from one text: its tokens and word counts, negations, numbers
/// (digits and number words, as values), names (capitalised words not starting a sentence, and all-caps words),
/// quoted strings and code-like tokens.
/// </summary>
internal sealed partial class GuardText
{
    public const string Separator = ",";

    public GuardText(string text)
    {
        var numberRun = new NumberRun(Numbers);
        var end = 0;
        foreach (var span in new WordTokenizer(text))
        {
            var gap = text.AsSpan(end, span.Start - end);
            var original = span.In(text);
            var word = original.ToString().ToLowerInvariant().Replace('\u2019', '\'');
            end = span.Start + span.Length;
            if (gap.IndexOfAny(",;&/") >= 0 && Tokens.Count > 0)
            {
                Tokens.Add(new GuardToken(Separator, false));
            }

            var capitalised = char.IsUpper(original[0]);
            var sentenceStart = Tokens.Count == 0 || gap.IndexOfAny(".!?:\n") >= 0;
            FirstPositions.TryAdd(word, Tokens.Count);
            Tokens.Add(new GuardToken(word, capitalised));
            Counts[word] = Counts.GetValueOrDefault(word) + 1;
            NegationCount += Lexicon.Negations.Contains(word) ? 1 : 0;
            ContentWordCount += IsContent(word) ? 1 : 0;
            var acronym = original.Length >= 2 && !original.ContainsAnyExcept(UpperOrDigit);
            if (capitalised && !Lexicon.StopWords.Contains(word) && (!sentenceStart || acronym))
            {
                Names.Add(word);
            }

            numberRun.Read(word);
        }

        numberRun.Flush();
        Numbers.Sort(StringComparer.Ordinal);
        foreach (Match quote in QuotedPattern().Matches(text))
        {
            var inner = quote.Groups.Cast<Group>().Skip(1).First(group => group.Success).Value.Trim().ToLowerInvariant();
            if (inner.Length > 0)
            {
                Quotes.Add(inner);
            }
        }

        foreach (var range in text.AsSpan().SplitAny(" \t\r\n"))
        {
            var token = text.AsSpan(range).Trim(TokenEdges);
            if (IsCodeLike(token))
            {
                CodeTokens.Add(token.ToString());
            }
        }

        Lowered = text.ToLowerInvariant();
    }

    /// <summary>The whole text lower-cased, where quoted strings of the other text are looked for.</summary>
    public string Lowered { get; }

    public List<GuardToken> Tokens { get; } = [];

    public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each word first stands in <see cref="Tokens"/>.</summary>
    public Dictionary<string, int> FirstPositions { get; } = new(StringComparer.Ordinal);

    public int NegationCount { get; }

    public int ContentWordCount { get; }

    /// <summary>Canonical numbers, sorted (a multiset).</summary>
    public List<string> Numbers { get; } = [];

    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    public List<string> Quotes { get; } = [];

    public HashSet<string> CodeTokens { get; } = new(StringComparer.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> TokenEdges => ".,;:!?\"'`()[]{}<>\u201C\u201D\u2018\u2019";

    private static ReadOnlySpan<char> UpperOrDigit => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static bool IsContent(string word) => !Lexicon.StopWords.Contains(word) && word is not ("and" or "or" or "nor");

    /// <summary>Identifiers, paths, versions and file names: a letter and a digit ("gpt4o", "v2"), an underscore or
    /// slash, a dot inside a word ("config.json", but not the abbreviation "e.g"), or camelCase.</summary>
    private static bool IsCodeLike(ReadOnlySpan<char> token)
    {
        if (token.Length < 2)
        {
            return false;
        }

        var letter = token.ContainsAnyInRange('a', 'z') || token.ContainsAnyInRange('A', 'Z');
        var digit = token.ContainsAnyInRange('0', '9');
        var camel = false;
        for (var i = 1; i < token.Length && !camel; i++)
        {
            camel = char.IsLower(token[i - 1]) && char.IsUpper(token[i]);
        }

        return (letter && digit) || token.IndexOfAny("_/\\") >= 0 || camel || (letter && IsDotted(token));
    }

    /// <summary>A dot inside the token with a part longer than one letter: "config.json", not "e.g".</summary>
    private static bool IsDotted(ReadOnlySpan<char> token)
    {
        if (!token.Contains('.'))
        {
            return false;
        }

        foreach (var part in token.Split('.'))
        {
            if (part.End.GetOffset(token.Length) - part.Start.GetOffset(token.Length) > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Double quotes (straight or curly), PAWS-style ``...'' pairs, backticks, and single quotes that
    /// are not apostrophes (a quote must not touch a letter on its outer side).</summary>
    [GeneratedRegex("\"([^\"]+)\"|\u201C([^\u201D]+)\u201D|``(.+?)''|`([^`]+)`|(?<![\\w'])'([^']+)'(?![\\w'])", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPattern();

    /// <summary>Collects numbers: a digit token as its value ("1,000" and "1000.0" are both "1000"), and a run of
    /// number words as the value it spells ("two hundred" is "200", "twenty five" is "25").</summary>
    private struct NumberRun(List<string> numbers)
    {
        private decimal total;
        private decimal current;
        private bool open;

        public void Read(string word)
        {
            if (Lexicon.NumberWords.TryGetValue(word, out var value))
            {
                open = true;
                if (value == 100)
                {
                    current = (current == 0 ? 1 : current) * 100;
                }
                else if (value >= 1000)
                {
                    total += (current == 0 ? 1 : current) * value;
                    current = 0;
                }
                else
                {
                    current += value;
                }

                return;
            }

            Flush();
            if (word.AsSpan().ContainsAnyInRange('0', '9'))
            {
                numbers.Add(decimal.TryParse(word.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? Canonical(number)
                    : word);
            }
        }

        public void Flush()
        {
            if (open)
            {
                numbers.Add(Canonical(total + current));
            }

            (total, current, open) = (0, 0, false);
        }

        private static string Canonical(decimal number) => number.ToString("G29", CultureInfo.InvariantCulture);
    }
}
