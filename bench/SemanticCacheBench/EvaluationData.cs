using System.Text.Json;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>A labelled pair: Label 1 = paraphrase / duplicate (a hit is right), 0 = not (a hit is a false hit).</summary>
public sealed record TextPair(string A, string B, int Label);

/// <summary>
/// The evaluation sets, read where they lie in ../shared/data/semantic-cache (see its NOTICE.md). They are read at
/// run time only and never copied: the QQP sample is for internal evaluation, and only aggregate numbers are printed.
/// </summary>
public sealed record EvaluationData(
    IReadOnlyList<TextPair> GptCacheMock,
    IReadOnlyList<TextPair> QqpSample,
    IReadOnlyList<TextPair> PawsDev,
    IReadOnlyList<TextPair> PawsTest)
{
    public static string? Locate(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? given : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessGateway.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "semantic-cache"));
                return Directory.Exists(data) ? data : null;
            }
        }

        return null;
    }

    public static EvaluationData Load(string root) => new(
        ReadMock(Path.Combine(root, "gptcache", "mock_data.json")),
        ReadQqp(Path.Combine(root, "gptcache", "similiar_qqp_full.sample5000.jsonl")),
        ReadPaws(Path.Combine(root, "paws", "paws_wiki_labeled_final.dev.tsv")),
        ReadPaws(Path.Combine(root, "paws", "paws_wiki_labeled_final.test.tsv")));

    /// <summary>GPTCache's mock_data.json: origin/similar paraphrase pairs (all label 1).</summary>
    private static List<TextPair> ReadMock(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray()
            .Select(item => new TextPair(item.GetProperty("origin").GetString()!, item.GetProperty("similar").GetString()!, 1))
            .ToList();
    }

    private static List<TextPair> ReadQqp(string path) => File.ReadLines(path)
        .Where(line => line.Length > 0)
        .Select(line =>
        {
            using var item = JsonDocument.Parse(line);
            var root = item.RootElement;
            return new TextPair(root.GetProperty("text_a").GetString()!, root.GetProperty("text_b").GetString()!, root.GetProperty("label").GetInt32());
        })
        .ToList();

    /// <summary>PAWS TSV without a header: id, sentence1, sentence2, label.</summary>
    private static List<TextPair> ReadPaws(string path) => File.ReadLines(path)
        .Select(line => line.Split('\t'))
        .Where(fields => fields.Length >= 4 && fields[3].Trim() is "0" or "1")
        .Select(fields => new TextPair(fields[1], fields[2], fields[3].Trim() == "1" ? 1 : 0))
        .ToList();
}
