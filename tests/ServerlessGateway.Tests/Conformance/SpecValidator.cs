using System.Diagnostics;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Runs ../shared/tools/spec/validate-openai.js (ajv against ../shared/spec/openai/openapi.yaml) on
/// documents the gateway produced. It needs node and ajv installed outside the repository:
/// <c>mkdir -p /tmp/specval &amp;&amp; npm install --prefix /tmp/specval ajv@8 ajv-formats yaml</c>
/// (or SPECVAL_NODE_MODULES pointing elsewhere); without them the tests skip and say so.
/// </summary>
internal static class SpecValidator
{
    public const string ChatCompletion = "CreateChatCompletionResponse";
    public const string ChatCompletionChunk = "CreateChatCompletionStreamResponse";
    public const string Embeddings = "CreateEmbeddingResponse";
    public const string ModelList = "ListModelsResponse";
    public const string Error = "ErrorResponse";

    private const string InstallCommand = "mkdir -p /tmp/specval && npm install --prefix /tmp/specval ajv@8 ajv-formats yaml";

    private static readonly string NodeModules = Environment.GetEnvironmentVariable("SPECVAL_NODE_MODULES") ?? "/tmp/specval/node_modules";

    private static readonly string? Node = FindOnPath("node");

    /// <summary>A document to validate; a name ending in .sse has every data event validated, others are one JSON document.</summary>
    public sealed record Document(string Name, byte[] Content);

    public sealed record Result(int ExitCode, string Output)
    {
        public bool Valid => ExitCode == 0;
    }

    public static void SkipIfUnavailable()
    {
        SharedMaterial.SkipIfAbsent();
        if (Node is null)
        {
            Assert.Skip("node is not on PATH: the OpenAPI checks run ../shared/tools/spec/validate-openai.js with node.");
        }

        if (!Directory.Exists(Path.Combine(NodeModules, "ajv")))
        {
            Assert.Skip($"ajv is not installed in {NodeModules} (the OpenAPI checks need it): run `{InstallCommand}`.");
        }
    }

    public static async Task AssertValidAsync(string schema, IReadOnlyCollection<Document> documents)
    {
        Assert.NotEmpty(documents);
        var result = await ValidateAsync(schema, documents);
        Assert.True(result.Valid, $"Not valid {schema}:\n{result.Output}");
    }

    public static async Task<Result> ValidateAsync(string schema, IReadOnlyCollection<Document> documents)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-specval-");
        try
        {
            var start = new ProcessStartInfo(Node!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["SPECVAL_NODE_MODULES"] = NodeModules },
            };
            start.ArgumentList.Add(SharedMaterial.PathTo("tools", "spec", "validate-openai.js"));
            start.ArgumentList.Add(schema);
            foreach (var document in documents)
            {
                var path = Path.Combine(folder.FullName, document.Name);
                await File.WriteAllBytesAsync(path, document.Content, TestContext.Current.CancellationToken);
                start.ArgumentList.Add(path);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, (await stdout + await stderr).Replace(folder.FullName + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? program + ".exe" : program))
            .FirstOrDefault(File.Exists);
}
