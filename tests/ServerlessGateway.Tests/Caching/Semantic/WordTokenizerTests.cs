using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class WordTokenizerTests
{
    [Theory]
    [InlineData("Don't stop", "Do|n't|stop")]
    [InlineData("it isn\u2019t here", "it|is|n\u2019t|here")]
    [InlineData("東京の天気 ok", "東|京|の|天|気|ok")]
    [InlineData("It's John's", "It|s|John|s")]
    [InlineData("pay 1,000.50 now, or 3.5 later.", "pay|1,000.50|now|or|3.5|later")]
    [InlineData("end of sentence. Next one", "end|of|sentence|Next|one")]
    [InlineData("café naïve Straße", "café|naïve|Straße")]
    [InlineData("snake_case and kebab-case", "snake|case|and|kebab|case")]
    [InlineData("  ", "")]
    public void Words_are_split_as_documented(string text, string expected)
    {
        var words = new List<string>();
        foreach (var word in new WordTokenizer(text))
        {
            words.Add(word.In(text).ToString());
        }

        Assert.Equal(expected, string.Join('|', words));
    }
}
