using System.Text.Json.Nodes;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>The golden files under Providers/Anthropic/Golden, written by hand and read from the repository at test time.</summary>
internal static class Golden
{
    public static string Folder(string kind) => Path.Combine(RepositoryPaths.Root, "tests", "ServerlessGateway.Tests", "Providers", "Anthropic", "Golden", kind);

    public static IEnumerable<TheoryDataRow<string>> Cases(string kind, string extension) =>
        Names(kind, extension).Select(name => new TheoryDataRow<string>(name));

    public static IEnumerable<string> Names(string kind, string extension) =>
        Directory.EnumerateFiles(Folder(kind), "*" + extension)
            .Select(f => Path.GetFileName(f)[..^extension.Length])
            .Order(StringComparer.Ordinal);

    public static string Read(string kind, string file) => File.ReadAllText(Path.Combine(Folder(kind), file));

    /// <summary>A chat request as the gateway parses it from a caller's body.</summary>
    public static ChatRequest Parse(string json)
    {
        var parsed = ChatRequestParser.Parse(PooledBody.FromBytes(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.True(parsed.Error is null, parsed.Error?.Message);
        return parsed.Value!;
    }

    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual, string what)
    {
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what} differs.\nexpected: {expected?.ToJsonString()}\nactual:   {actual?.ToJsonString()}");
    }
}
