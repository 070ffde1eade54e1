using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>
/// The gateway as its own OS process (the built ServerlessGateway.dll beside the tests), for properties that
/// only hold across processes: limits and budgets shared through one SQLite file.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string configPath;

    private GatewayProcess(Process process, string configPath, string baseUrl)
    {
        this.process = process;
        this.configPath = configPath;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<GatewayProcess> StartAsync(JsonObject config, CancellationToken cancellationToken)
    {
        var configPath = Path.Combine(Path.GetTempPath(), $"gateway-process-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        var dll = Path.Combine(AppContext.BaseDirectory, "ServerlessGateway.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", dll, "--config", configPath, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The gateway process exited before listening:\n" + output));
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var url = await listening.Task.WaitAsync(timeout.Token);
        return new GatewayProcess(process, configPath, url);
    }

    public HttpClient CreateClient(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        File.Delete(configPath);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
