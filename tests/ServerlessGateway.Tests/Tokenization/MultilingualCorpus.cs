using System.Text;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// A generated, reproducible corpus for differential tests: words from many scripts, code, numbers, emoji,
/// combining marks, odd whitespace, lone surrogates, special-token text and long words, mixed at random (seeded).
/// Every character is from Unicode 14 or earlier (newer ones may be classified differently by Node's and .NET's
/// Unicode tables), and U+FEFF and U+0085 are left out: js-tiktoken, the reference, classifies those two unlike
/// OpenAI's Rust tokenizer (EncodingVectorTests pins them with the Rust results).
/// </summary>
internal static class MultilingualCorpus
{
    private static readonly string[] Words =
    [
        // English, code-ish and contractions
        "the", "The", "THE", "quick", "Brown", "don't", "I'll", "WE'RE", "it's", "they've", "O'Neil", "McDonald's", "iPhone",
        "HTTPServer", "snake_case", "camelCase", "kebab-case", "v2.3.1", "0x1F", "1e-9", "3.14159", "1,000,000", "12345678901",
        "https://example.com/a/b?q=1&r=2#frag", "C:\\Users\\x", "/usr/local/bin", "foo(bar[baz]);", "a->b", "x += 1;", "<div>", "</p>",
        "@mention", "#hashtag", "$HOME", "100%", "e.g.", "U.S.A.", "--flag=value", "...", "?!", "¿Qué?", "«quote»", "“curly”", "‘single’",
        // European scripts with diacritics
        "Grüße", "straße", "STRASSE", "naïve", "café", "Ærøskøbing", "Łódź", "Şişli", "Ελληνικά", "ΑΘΗΝΑ", "Москва", "ПРИВЕТ", "ёжик",
        "Україна", "Ђорђе", "Ծաղիկ", "ქართული", "ſtraße", "ﬁnance", "ǅemal", "ǈubljana",
        // Middle East and South Asia
        "مرحبا", "العربية", "كِتَابٌ", "שלום", "עִבְרִית", "فارسی", "اردو", "नमस्ते", "हिन्दी", "क्षत्रिय", "বাংলা", "தமிழ்", "తెలుగు", "ಕನ್ನಡ", "മലയാളം", "ગુજરાતી", "ਪੰਜਾਬੀ", "සිංහල",
        // East and South-East Asia
        "今天天气很好", "我们", "東京都", "ひらがな", "カタカナ", "ｶﾀｶﾅ", "한국어", "안녕하세요", "ภาษาไทย", "ພາສາລາວ", "ខ្មែរ", "မြန်မာ", "Tiếng Việt", "བོད་ཡིག", "ᠮᠣᠩᠭᠣᠯ",
        // Africa and others
        "አማርኛ", "ትግርኛ", "ᏣᎳᎩ", "ᐃᓄᒃᑎᑐᑦ", "ߒߞߏ", "ⵜⴰⵎⴰⵣⵉⵖⵜ",
        // Digits of other scripts, fractions, roman numerals, superscripts
        "٣٤٥", "۱۲۳", "१२३", "๑๒๓", "½", "Ⅻ", "²³", "①②",
        // Emoji: presentation selectors, skin tones, ZWJ families, flags, keycaps
        "👍", "👍🏽", "❤️", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "1️⃣", "🤷‍♀️", "😀😃😄", "🍕",
        // Combining marks, alone and stacked
        "e\u0301", "\u0301", "a\u0308\u0308", "Z\u0335\u0321\u0327", "\u20DD", "n\u0303", "A\u030A",
        // Special-token text (ordinary text here)
        "<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>", "<|",
    ];

    private static readonly string[] Separators = [" ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0", "\u3000", "\u2028", "", ", ", ". ", "/", "'", "\u200D", "\u000B"];

    public static List<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            var words = random.Next(1, 40);
            for (var w = 0; w < words; w++)
            {
                text.Append(Words[random.Next(Words.Length)]);
                text.Append(Separators[random.Next(Separators.Length)]);
                switch (random.Next(40))
                {
                    case 0: text.Append((char)random.Next(0xD800, 0xE000)); break; // a lone surrogate
                    case 1: text.Append(' ', random.Next(2, 30)); break;
                    case 2: text.Append('\n', random.Next(2, 6)); break;
                    case 3: text.Append(random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                    case 4: text.Append(Words[random.Next(Words.Length)], 0, 1).Append('\'').Append("sStTdDmMlLrReEvV"[random.Next(16)]); break;
                }
            }

            texts.Add(text.ToString());
        }

        // Long inputs: one letter run past 128 bytes (the heap merge), long whitespace, a whole mixed document.
        texts.Add(string.Concat(Enumerable.Repeat("abcXYZ", 400)));
        texts.Add(string.Concat(Enumerable.Repeat("ab", 3000)) + "!");
        texts.Add("x" + new string(' ', 5000) + "y\n" + new string('\t', 300) + "\n\n\n");
        texts.Add(string.Join(" ", Enumerable.Range(0, 300).Select(_ => Words[random.Next(Words.Length)])));
        return texts;
    }
}
