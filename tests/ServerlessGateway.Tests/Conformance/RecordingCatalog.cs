using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// The replayable recordings under ../shared/fixtures/providers/{openai,azure-openai,ollama}, found at
/// run time. Every file is replayed unless listed in <see cref="NotReplayable"/>, so a recording added
/// later is tested (or fails loudly as an unknown format) without touching this code.
/// </summary>
internal static partial class RecordingCatalog
{
    private static readonly string[] Providers = [Recording.OpenAI, Recording.AzureOpenAI, Recording.Ollama];

    /// <summary>Files that are not an answer to a route the gateway serves, by path prefix or suffix.</summary>
    private static readonly (string Match, string Why)[] NotReplayable =
    [
        ("azure-openai/vercel-ai/azure-text.1.", "Azure Responses API (/openai/v1/responses); the gateway serves chat completions"),
        ("ollama/ollama-load-balancer-observation/api-chat.", "Ollama's native /api/chat, not its OpenAI-compatible /v1 API"),
        ("ollama/ollama-load-balancer-observation/v1-models.json", "GET /v1/models is answered by the gateway itself"),
        (".request.json", "a request body, not an answer"),
        ("NOTICE.md", "licence notes"),
    ];

    private static readonly Lazy<IReadOnlyList<Recording>> Loaded = new(Load);

    /// <summary>Every replayable recording (call only when ../shared is present).</summary>
    public static IReadOnlyList<Recording> All() => Loaded.Value;

    public static Recording Get(string id) => Loaded.Value.Single(r => r.Id == id);

    /// <summary>Theory rows (recording ids); one skipped row when ../shared is absent.</summary>
    public static IEnumerable<TheoryDataRow<string>> Rows(Func<Recording, bool> where)
    {
        if (!SharedMaterial.IsPresent)
        {
            return [new TheoryDataRow<string>("(no recordings)") { Skip = SharedMaterial.AbsentMessage }];
        }

        return Loaded.Value.Where(where).Select(r => new TheoryDataRow<string>(r.Id)).ToList();
    }

    /// <summary>Stream rows, each once with and once without stream_options.include_usage.</summary>
    public static IEnumerable<TheoryDataRow<string, bool>> StreamRows(Func<Recording, bool> where)
    {
        if (!SharedMaterial.IsPresent)
        {
            return [new TheoryDataRow<string, bool>("(no recordings)", false) { Skip = SharedMaterial.AbsentMessage }];
        }

        return Loaded.Value.Where(r => r.Kind == RecordingKind.Stream && where(r))
            .SelectMany(r => new[] { new TheoryDataRow<string, bool>(r.Id, true), new TheoryDataRow<string, bool>(r.Id, false) })
            .ToList();
    }

    private static List<Recording> Load()
    {
        var recordings = new List<Recording>();
        var root = SharedMaterial.PathTo("fixtures", "providers");
        foreach (var provider in Providers)
        {
            var files = Directory.EnumerateFiles(Path.Combine(root, provider), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Where(id => !NotReplayable.Any(n => id.StartsWith(n.Match, StringComparison.Ordinal) || id.EndsWith(n.Match, StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal);
            foreach (var id in files)
            {
                recordings.AddRange(Read(provider, id, Path.Combine(root, id)));
            }
        }

        return recordings;
    }

    private static IEnumerable<Recording> Read(string provider, string id, string path)
    {
        if (id.EndsWith(".yaml", StringComparison.Ordinal))
        {
            return VcrCassette.Read(path).Select((interaction, i) => FromCassette(provider, $"{id}#{i}", interaction));
        }

        var bytes = File.ReadAllBytes(path);
        if (id.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            var lines = Encoding.UTF8.GetString(bytes).Split('\n').Where(l => l.Trim().Length > 0);
            return [new Recording(id, provider, RecordingKind.Stream, 200, SseTranscript.Frame(lines), true)];
        }

        if (id.EndsWith(".sse", StringComparison.Ordinal) || (id.EndsWith(".txt", StringComparison.Ordinal) && bytes.AsSpan().StartsWith("data:"u8)))
        {
            // Ollama's published stream stops after 3 events; its document says the stream ended with [DONE].
            return [new Recording(id, provider, RecordingKind.Stream, 200, SseTranscript.EnsureDone(bytes), true)];
        }

        if (id.EndsWith(".json", StringComparison.Ordinal))
        {
            var name = Path.GetFileName(id);
            if (ErrorStatus().Match(name) is { Success: true } match)
            {
                return [new Recording(id, provider, RecordingKind.Error, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), bytes, false)];
            }

            // vercel-ai's reasoning-model-legacy-parameter-error.json is a 400 body (see the provider's NOTICE.md).
            var kind = name.Contains("error", StringComparison.Ordinal) ? RecordingKind.Error
                : name.Contains("embedding", StringComparison.Ordinal) ? RecordingKind.Embeddings
                : RecordingKind.Chat;
            return [new Recording(id, provider, kind, kind == RecordingKind.Error ? 400 : 200, bytes, false)];
        }

        throw new InvalidDataException($"Unknown recording format: {id}. Teach RecordingCatalog to read it, or list it in NotReplayable with the reason.");
    }

    private static Recording FromCassette(string provider, string id, VcrCassette.Interaction interaction)
    {
        var streamed = JsonNode.Parse(interaction.RequestBody)?["stream"]?.GetValue<bool>() == true;
        var kind = interaction.Status >= 400 ? RecordingKind.Error
            : interaction.ResponseBody.AsSpan().StartsWith("data:"u8) ? RecordingKind.Stream
            : interaction.RequestUri.Contains("/embeddings", StringComparison.Ordinal) ? RecordingKind.Embeddings
            : RecordingKind.Chat;
        return new Recording(id, provider, kind, interaction.Status, interaction.ResponseBody, streamed);
    }

    [GeneratedRegex(@"^error-(\d{3})-")]
    private static partial Regex ErrorStatus();
}
