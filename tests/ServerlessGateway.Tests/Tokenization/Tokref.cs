using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// Runs ../shared/tools/tokref/tokcount.js (js-tiktoken, cross-checked by the tiktoken WASM build and
/// gpt-tokenizer) on texts, for differential tests. Its npm packages live outside the repository:
/// <c>mkdir -p /tmp/tokref &amp;&amp; npm install --prefix /tmp/tokref js-tiktoken@1.0.21 tiktoken@1.0.22 gpt-tokenizer@4.0.0</c>
/// (or TOKREF_NODE_MODULES pointing elsewhere; .ci/run installs them). Without them, or node, or ../shared, the
/// tests skip and say why.
/// </summary>
internal static class Tokref
{
    private const string InstallCommand = "mkdir -p /tmp/tokref && npm install --prefix /tmp/tokref js-tiktoken@1.0.21 tiktoken@1.0.22 gpt-tokenizer@4.0.0";

    private static readonly string NodeModules = Environment.GetEnvironmentVariable("TOKREF_NODE_MODULES") ?? "/tmp/tokref/node_modules";

    private static readonly string? Node = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node"))
        .FirstOrDefault(File.Exists);

    /// <summary>The reference's answer for one text: per encoding, its ids and whether the three libraries agreed.</summary>
    public sealed record Reference(int[] O200k, int[] Cl100k, bool Agree);

    public static void SkipIfUnavailable()
    {
        SharedMaterial.SkipIfAbsent();
        if (!File.Exists("/bin/sh"))
        {
            Assert.Skip("/bin/sh is missing: the differential tokenizer tests run the reference through the shell.");
        }

        if (Node is null)
        {
            Assert.Skip("node is not on PATH: the differential tokenizer tests run ../shared/tools/tokref/tokcount.js with node.");
        }

        if (!File.Exists(Path.Combine(NodeModules, "js-tiktoken", "package.json")))
        {
            Assert.Skip($"js-tiktoken is not installed in {NodeModules} (the tokenizer reference needs it): run `{InstallCommand}`.");
        }
    }

    /// <summary>The reference ids for each text (one tokcount.js run over a JSON Lines file).</summary>
    public static async Task<IReadOnlyList<Reference>> RunAsync(IReadOnlyList<string> texts)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-tokref-");
        try
        {
            var input = Path.Combine(folder.FullName, "corpus.jsonl");
            var output = Path.Combine(folder.FullName, "results.jsonl");
            await File.WriteAllTextAsync(input, string.Join('\n', texts.Select(JsonString)) + "\n", TestContext.Current.CancellationToken);

            // tokcount.js ends with process.exit(), which drops output still queued for a pipe that is read slowly
            // (a busy test machine): so its output goes to a file, through the shell.
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["TOKREF_NODE_MODULES"] = NodeModules, ["TOKREF_OUTPUT"] = output },
            };
            foreach (var argument in new[] { "-c", "exec \"$0\" \"$@\" > \"$TOKREF_OUTPUT\"", Node!, SharedMaterial.PathTo("tools", "tokref", "tokcount.js"), "--jsonl", "--ids", input })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            var lines = (await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken)).Where(l => l.Length > 0).ToArray();
            Assert.True(lines.Length == texts.Count, $"tokcount.js printed {lines.Length} results for {texts.Count} texts (exit {process.ExitCode}): {await stderr}");
            return [.. lines.Select(Parse)];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Reference Parse(string line)
    {
        var result = JsonNode.Parse(line)!;
        int[] Ids(string encoding) => [.. result[encoding]!["ids"]!.AsArray().Select(id => id!.GetValue<int>())];
        var agree = result["o200k_base"]!["agree"]!.GetValue<bool>() && result["cl100k_base"]!["agree"]!.GetValue<bool>();
        return new Reference(Ids("o200k_base"), Ids("cl100k_base"), agree);
    }

    /// <summary>A JSON string with every non-ASCII UTF-16 unit escaped, so lone surrogates survive (JSON.parse keeps them).</summary>
    private static string JsonString(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)0x7F and not '"' and not '\\')
            {
                json.Append(c);
            }
            else
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return json.Append('"').ToString();
    }
}
