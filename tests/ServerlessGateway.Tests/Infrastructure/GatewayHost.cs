using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>
/// The real gateway on Kestrel on a loopback port, configured by a JSON document written to a temp
/// file (so reload can be tested by rewriting it), with environment lookups the test controls.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string Key = "sk-test-key-0001";
    public const string RestrictedKey = "sk-test-restricted-0002";
    public const string MasterKey = "sk-test-master-0000";

    private readonly WebApplication app;

    private GatewayHost(WebApplication app, string configPath, RecordingLoggerProvider logs)
    {
        this.app = app;
        Logs = logs;
        ConfigPath = configPath;
        Client = CreateClient(Key);
    }

    public string ConfigPath { get; }

    public string BaseUrl => app.Urls.First();

    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Warnings and errors the app logged.</summary>
    public RecordingLoggerProvider Logs { get; }

    public HttpClient CreateClient(string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A configuration with one mock model and, when given, OpenAI-compatible models on fake upstreams.</summary>
    public static JsonObject Config(params (string Model, string BaseUrl)[] openAIModels)
    {
        var providers = new JsonObject { ["mock"] = new JsonObject { ["Type"] = "mock" } };
        var models = new JsonObject
        {
            ["mock-echo"] = Deployments(("mock", "echo")),
            ["mock-embedding"] = Deployments(("mock", "embedding")),
        };
        var i = 0;
        foreach (var (model, baseUrl) in openAIModels)
        {
            var provider = $"up{i++}";
            providers[provider] = new JsonObject { ["Type"] = "openai-compatible", ["BaseUrl"] = baseUrl + "/v1", ["ApiKey"] = "sk-upstream-secret", ["TimeoutSeconds"] = 5 };
            models[model] = Deployments((provider, "upstream-" + model));
        }

        return new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["MasterKey"] = MasterKey,
                ["Keys"] = new JsonArray(
                    new JsonObject { ["Name"] = "test", ["Key"] = Key },
                    new JsonObject { ["Name"] = "restricted", ["Key"] = RestrictedKey, ["Models"] = new JsonArray("mock-echo") }),
                ["Providers"] = providers,
                ["Models"] = models,
            },
        };
    }

    public static JsonObject Deployments(params (string Provider, string Model)[] deployments) => new()
    {
        ["Deployments"] = new JsonArray(deployments.Select(d => (JsonNode)new JsonObject { ["Provider"] = d.Provider, ["Model"] = d.Model }).ToArray()),
    };

    public static async Task<GatewayHost> StartAsync(
        JsonObject config,
        IReadOnlyDictionary<string, string>? environment = null,
        Func<TokenCredential>? credential = null,
        TimeProvider? time = null,
        string[]? extraArgs = null,
        Action<IServiceCollection>? services = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gateway-test-{Guid.NewGuid():N}.json");
        UseOwnStorage(config);
        await File.WriteAllTextAsync(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var logs = new RecordingLoggerProvider();
        var app = GatewayApplication.Create(["--config", path, "--urls", "http://127.0.0.1:0", .. extraArgs ?? []], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton(new EnvironmentReferences(name => environment?.GetValueOrDefault(name)));
            if (credential is not null)
            {
                builder.Services.AddSingleton(credential);
            }

            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new GatewayHost(app, path, logs);
    }

    /// <summary>
    /// Tests run in parallel, so a configuration that names no storage gets memory; one that names SQLite
    /// without a path gets its own temp file (deleted with the host's temp directory by the OS), and every host
    /// gets its own usage spill file. Timed health probes are off unless the configuration has a Probes section.
    /// </summary>
    private static void UseOwnStorage(JsonObject config)
    {
        if (config["Gateway"] is not JsonObject gateway)
        {
            return;
        }

        if (gateway["Storage"] is not JsonObject storage)
        {
            gateway["Storage"] = new JsonObject { ["Kind"] = "memory" };
        }
        else if (storage["SqlitePath"] is null)
        {
            storage["SqlitePath"] = Path.Combine(Path.GetTempPath(), $"gateway-test-{Guid.NewGuid():N}.db");
        }

        // Probes would call the test's fake upstreams on their own schedule; tests that want them switch them on.
        gateway["Probes"] ??= new JsonObject { ["Enabled"] = false };

        // Each host spills usage records to its own file unless the test names one.
        var governance = gateway["Governance"] as JsonObject ?? [];
        gateway["Governance"] = governance;
        var ledger = governance["Ledger"] as JsonObject ?? [];
        governance["Ledger"] = ledger;
        ledger["SpillPath"] ??= Path.Combine(Path.GetTempPath(), $"gateway-test-{Guid.NewGuid():N}.spill.jsonl");
    }

    public async Task RewriteConfigAsync(JsonObject config) =>
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync(TimeSpan.FromSeconds(2));
        await app.DisposeAsync();
        File.Delete(ConfigPath);
    }
}
