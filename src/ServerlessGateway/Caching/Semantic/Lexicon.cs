using System.Collections.Frozen;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The few English word lists the semantic layer needs, written for it (not taken from any data set): function
/// words that carry little meaning, negations, number words and opposite pairs. Small and closed on purpose — the
/// guard must be predictable, and a false "disagree" only costs a cache miss.
/// </summary>
internal static class Lexicon
{
    /// <summary>Articles, auxiliaries, pronouns, conjunctions and common prepositions. Question words, negations and
    /// directional words (from/to, on/off, up/down) are left out: they change what is asked.</summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.Create(StringComparer.Ordinal,
    [
        "a", "an", "the", "and", "or", "but", "if", "so", "as", "of", "in", "at", "by", "for", "with", "about",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done",
        "have", "has", "had", "having", "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his",
        "she", "her", "it", "its", "they", "them", "their", "this", "that", "these", "those", "there", "here",
        "can", "could", "would", "should", "will", "shall", "may", "might", "must", "s", "ll", "re", "ve", "d", "m",
        "also", "just", "some", "any", "such", "very", "really", "then", "please", "get", "got", "one",
    ]);

    /// <summary>Words that flip a statement. "n't" is what <see cref="WordTokenizer"/> splits off "don't".</summary>
    public static readonly FrozenSet<string> Negations = FrozenSet.Create(StringComparer.Ordinal,
    [
        "not", "n't", "no", "never", "without", "none", "nothing", "nobody", "nowhere", "neither", "nor",
        "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "shouldnt",
        "couldnt", "wouldnt", "hasnt", "havent", "hadnt",
    ]);

    /// <summary>Number words and their values; "one" is left out because it is far more often a pronoun ("which
    /// one") than a count, and "a" already plays its part as a count.</summary>
    public static readonly FrozenDictionary<string, decimal> NumberWords = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["zero"] = 0, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13,
        ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18,
        ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90, ["hundred"] = 100, ["thousand"] = 1_000,
        ["million"] = 1_000_000, ["billion"] = 1_000_000_000, ["dozen"] = 12, ["half"] = 0.5m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Opposite pairs: one side asking for one and the other for its opposite is a different request
    /// however similar the rest is ("turn on the lights" / "turn off the lights"). A word maps to the pairs it is
    /// in, as pair number + 1, negated for the second word of a pair.</summary>
    public static readonly FrozenDictionary<string, int[]> Opposites = BuildOpposites(
    [
        ("on", "off"), ("enable", "disable"), ("start", "stop"), ("open", "close"), ("increase", "decrease"),
        ("add", "remove"), ("before", "after"), ("min", "max"), ("minimum", "maximum"), ("up", "down"),
        ("allow", "deny"), ("include", "exclude"), ("buy", "sell"), ("import", "export"), ("encrypt", "decrypt"),
        ("upload", "download"), ("true", "false"), ("yes", "no"), ("first", "last"), ("above", "below"),
        ("more", "less"), ("most", "least"), ("push", "pull"), ("win", "lose"), ("accept", "reject"),
        ("enter", "exit"), ("input", "output"), ("connect", "disconnect"), ("lock", "unlock"), ("show", "hide"),
        ("attach", "detach"), ("install", "uninstall"), ("encode", "decode"), ("serialize", "deserialize"),
        ("compress", "decompress"), ("send", "receive"), ("success", "failure"), ("positive", "negative"),
        ("left", "right"), ("north", "south"), ("east", "west"), ("inside", "outside"), ("internal", "external"),
        ("public", "private"), ("read", "write"), ("high", "low"), ("higher", "lower"), ("highest", "lowest"),
        ("big", "small"), ("bigger", "smaller"), ("biggest", "smallest"), ("large", "small"), ("larger", "smaller"),
        ("long", "short"), ("longer", "shorter"), ("fast", "slow"), ("faster", "slower"), ("best", "worst"),
        ("better", "worse"), ("cheap", "expensive"), ("hot", "cold"), ("light", "dark"), ("love", "hate"),
        ("like", "dislike"), ("agree", "disagree"), ("legal", "illegal"), ("possible", "impossible"),
        ("valid", "invalid"), ("same", "different"), ("ascending", "descending"), ("asc", "desc"),
        ("forward", "backward"), ("upper", "lower"), ("old", "new"), ("male", "female"), ("men", "women"),
        ("man", "woman"), ("boy", "girl"), ("husband", "wife"), ("always", "never"), ("over", "under"),
        ("pros", "cons"), ("advantage", "disadvantage"), ("gain", "loss"), ("profit", "loss"), ("rise", "fall"),
        ("win", "loss"), ("sync", "async"), ("synchronous", "asynchronous"), ("encryption", "decryption"),
        ("lend", "borrow"), ("teach", "learn"), ("give", "take"), ("arrive", "leave"),
    ]);

    private static FrozenDictionary<string, int[]> BuildOpposites((string First, string Second)[] pairs) =>
        pairs.SelectMany((pair, i) => new[] { (Word: pair.First, Side: i + 1), (Word: pair.Second, Side: -(i + 1)) })
            .GroupBy(entry => entry.Word, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(entry => entry.Side).ToArray(), StringComparer.Ordinal);
}
