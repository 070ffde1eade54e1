using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>
/// The recordings under ../shared/fixtures/providers/google, found at run time: firebase streaming-*.txt
/// (raw alt=sse bodies) and unary-*.json (answers or error bodies), mirascope VCR cassettes, vercel-ai
/// *.chunks.txt (one event per line, framed here the way Gemini frames them: "data: …" and \r\n\r\n) and
/// *.json. Every file is replayed; a file in a format not known here fails loudly.
/// </summary>
internal static class GeminiRecordings
{
    public const string Provider = "google";

    private static readonly Lazy<IReadOnlyList<Recording>> Loaded = new(Load);

    public static IReadOnlyList<Recording> All() => Loaded.Value;

    public static Recording Get(string id) => Loaded.Value.Single(r => r.Id == id);

    public static IEnumerable<TheoryDataRow<string>> Rows(Func<Recording, bool> where) =>
        !SharedMaterial.IsPresent
            ? [new TheoryDataRow<string>("(no recordings)") { Skip = SharedMaterial.AbsentMessage }]
            : Loaded.Value.Where(where).Select(r => new TheoryDataRow<string>(r.Id)).ToList();

    public static IEnumerable<TheoryDataRow<string, bool>> StreamRows() =>
        !SharedMaterial.IsPresent
            ? [new TheoryDataRow<string, bool>("(no recordings)", false) { Skip = SharedMaterial.AbsentMessage }]
            : Loaded.Value.Where(r => r.Kind == RecordingKind.Stream)
                .SelectMany(r => new[] { new TheoryDataRow<string, bool>(r.Id, true), new TheoryDataRow<string, bool>(r.Id, false) }).ToList();

    private static List<Recording> Load()
    {
        var root = SharedMaterial.PathTo("fixtures", "providers");
        var recordings = new List<Recording>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, Provider), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var id = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (id.EndsWith("NOTICE.md", StringComparison.Ordinal))
            {
                continue;
            }

            recordings.AddRange(Read(id, path));
        }

        return recordings;
    }

    private static IEnumerable<Recording> Read(string id, string path)
    {
        if (id.EndsWith(".yaml", StringComparison.Ordinal))
        {
            return VcrCassette.Read(path).Select((interaction, i) => new Recording(
                $"{id}#{i}",
                Provider,
                interaction.Status >= 400 ? RecordingKind.Error : interaction.RequestUri.Contains(":streamGenerateContent", StringComparison.Ordinal) ? RecordingKind.Stream : RecordingKind.Chat,
                interaction.Status,
                interaction.ResponseBody,
                interaction.RequestUri.Contains(":streamGenerateContent", StringComparison.Ordinal)));
        }

        var bytes = File.ReadAllBytes(path);
        if (id.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            var events = Encoding.UTF8.GetString(bytes).Split('\n').Where(l => l.Trim().Length > 0);
            return [new Recording(id, Provider, RecordingKind.Stream, 200, Encoding.UTF8.GetBytes(string.Concat(events.Select(e => "data: " + e.Trim() + "\r\n\r\n"))), true)];
        }

        if (Path.GetFileName(id).StartsWith("streaming-", StringComparison.Ordinal))
        {
            return [new Recording(id, Provider, RecordingKind.Stream, 200, bytes, true)];
        }

        if (id.EndsWith(".json", StringComparison.Ordinal))
        {
            // An error body names its HTTP status in "code" (google.rpc.Status); anything else is an answer.
            return JsonNode.Parse(bytes)!["error"]?["code"]?.GetValue<int>() is { } status
                ? [new Recording(id, Provider, RecordingKind.Error, status, bytes, false)]
                : [new Recording(id, Provider, RecordingKind.Chat, 200, bytes, false)];
        }

        throw new InvalidDataException($"Unknown recording format: {id}. Teach GeminiRecordings to read it.");
    }
}
