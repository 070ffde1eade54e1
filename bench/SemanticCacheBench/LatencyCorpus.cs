namespace ServerlessGateway.SemanticCacheBench;

/// <summary>
/// Realistic texts for the latency run: the PAWS sentences (read at run time), then variations of them (a word
/// dropped, two neighbours swapped, a word repeated) until there are enough distinct ones. Queries are fresh
/// variations of stored texts (near-duplicates: the hits a cache sees) and, one in four, word salads drawn from
/// the same vocabulary (the misses). Seeded, so every run uses the same texts.
/// </summary>
public sealed class LatencyCorpus
{
    private readonly string[] bases;
    private readonly Random random = new(20261121);

    public LatencyCorpus(EvaluationData data) =>
        bases = data.PawsDev.Concat(data.PawsTest).SelectMany(pair => new[] { pair.A, pair.B }).Distinct(StringComparer.Ordinal).ToArray();

    public List<string> Stored(int count)
    {
        var texts = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; texts.Count < count; i++)
        {
            var text = i < bases.Length ? bases[i] : Vary(bases[random.Next(bases.Length)]);
            if (seen.Add(text))
            {
                texts.Add(text);
            }
        }

        return texts;
    }

    public List<string> Queries(IReadOnlyList<string> stored, int count)
    {
        var queries = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            queries.Add(i % 4 == 3 ? Salad() : Vary(stored[random.Next(stored.Count)]));
        }

        return queries;
    }

    private string Vary(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count < 4)
        {
            return text + " " + words[0];
        }

        var at = random.Next(words.Count - 1);
        switch (random.Next(3))
        {
            case 0:
                words.RemoveAt(at);
                break;
            case 1:
                (words[at], words[at + 1]) = (words[at + 1], words[at]);
                break;
            default:
                words.Insert(at, words[random.Next(words.Count)]);
                break;
        }

        return string.Join(' ', words);
    }

    private string Salad()
    {
        var words = Enumerable.Range(0, 12 + random.Next(12))
            .Select(_ => bases[random.Next(bases.Length)].Split(' ') is var split ? split[random.Next(split.Length)] : "");
        return string.Join(' ', words);
    }
}
