using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// The recorded Anthropic traffic under ../shared/fixtures/providers/anthropic, read at run time in
/// each of its formats: raw SSE (*.sse), vercel-ai chunk files (one event's JSON per line, framed here
/// as Anthropic frames them) and answers (*.json), mirascope VCR cassettes (*.yaml) and
/// anthropic-sdk-python HTTP exchanges (recording.*.json). A file in a format not listed fails loudly.
/// </summary>
internal static class AnthropicRecordings
{
    public const string Folder = "anthropic";

    /// <summary>One recorded answer (and, when the recording has it, the Anthropic request that got it).</summary>
    public sealed record Exchange(string Id, int Status, byte[] Body, JsonNode? Request)
    {
        public bool IsStream => Status < 400 && (Body.AsSpan().TrimStart(" \r\n"u8).StartsWith("event:"u8) || Body.AsSpan().StartsWith("data:"u8));

        public bool IsError => Status >= 400;

        public string ContentType => IsStream ? "text/event-stream" : "application/json";

        public override string ToString() => Id;
    }

    private static readonly Lazy<IReadOnlyList<Exchange>> Loaded = new(Load);

    public static IReadOnlyList<Exchange> All() => Loaded.Value;

    public static Exchange Get(string id) => Loaded.Value.Single(e => e.Id == id);

    /// <summary>The exchanges of one multi-exchange recording, in order.</summary>
    public static IReadOnlyList<Exchange> File(string path) => Loaded.Value.Where(e => e.Id.StartsWith(path + "#", StringComparison.Ordinal)).ToList();

    public static IEnumerable<TheoryDataRow<string>> Rows(Func<Exchange, bool> where) =>
        SharedMaterial.IsPresent
            ? Loaded.Value.Where(where).Select(e => new TheoryDataRow<string>(e.Id)).ToList()
            : [new TheoryDataRow<string>("(no recordings)") { Skip = SharedMaterial.AbsentMessage }];

    private static List<Exchange> Load()
    {
        var root = SharedMaterial.PathTo("fixtures", "providers");
        var exchanges = new List<Exchange>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, Folder), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var id = Path.GetRelativePath(root, path).Replace('\\', '/');
            var name = Path.GetFileName(path);
            if (name == "NOTICE.md")
            {
                continue;
            }

            exchanges.AddRange(name switch
            {
                _ when name.EndsWith(".sse", StringComparison.Ordinal) => [new Exchange(id, 200, System.IO.File.ReadAllBytes(path), null)],
                _ when name.EndsWith(".chunks.txt", StringComparison.Ordinal) => [new Exchange(id, 200, FrameChunks(System.IO.File.ReadAllText(path)), null)],
                _ when name.EndsWith(".yaml", StringComparison.Ordinal) => VcrCassette.Read(path).Select((x, i) => new Exchange($"{id}#{i}", x.Status, x.ResponseBody, JsonNode.Parse(x.RequestBody))),
                _ when name.StartsWith("recording.", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) => ReadSdkRecording(id, path),
                _ when name.EndsWith(".json", StringComparison.Ordinal) => [new Exchange(id, 200, System.IO.File.ReadAllBytes(path), null)],
                _ => throw new InvalidDataException($"Unknown Anthropic recording format: {id}. Teach AnthropicRecordings to read it."),
            });
        }

        return exchanges;
    }

    /// <summary>vercel-ai keeps only each event's JSON; Anthropic sends "event: {type}" before it.</summary>
    private static byte[] FrameChunks(string lines)
    {
        var sse = new StringBuilder();
        foreach (var line in lines.Split('\n').Where(l => l.Trim().Length > 0))
        {
            sse.Append("event: ").Append(JsonNode.Parse(line)!["type"]!.GetValue<string>()).Append('\n');
            sse.Append("data: ").Append(line).Append("\n\n");
        }

        return Encoding.UTF8.GetBytes(sse.ToString());
    }

    /// <summary>anthropic-sdk-python's list of {request:{body}, response:{status_code, body}}; a streamed body is the raw SSE text.</summary>
    private static IEnumerable<Exchange> ReadSdkRecording(string id, string path)
    {
        var exchanges = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsArray();
        for (var i = 0; i < exchanges.Count; i++)
        {
            var response = exchanges[i]!["response"]!;
            var body = response["body"];
            var bytes = body is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(value.GetValue<string>())
                : Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "");
            var request = exchanges[i]!["request"]!["body"];
            yield return new Exchange($"{id}#{i}", response["status_code"]!.GetValue<int>(), bytes, request is JsonValue text && text.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(text.GetValue<string>()) : request?.DeepClone());
        }
    }
}
