using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Configuration;
using ServerlessGateway.Jobs;
using ServerlessGateway.Routing.Probes;
using ServerlessGateway.Tests.Accounting.Ledger;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Jobs;

public sealed class HealthProbeJobTests : IAsyncLifetime
{
    private const string Answer = """{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"p"},"finish_reason":"length"}],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}""";

    private readonly RecordingObserver observer = new();
    private FakeUpstream healthy = null!;
    private FakeUpstream failing = null!;
    private FakeUpstream hanging = null!;
    private FakeUpstream paid = null!;

    public async ValueTask InitializeAsync()
    {
        healthy = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, Answer));
        failing = await FakeUpstream.StartAsync(context => Respond.Json(context, 503, """{"error":{"message":"overloaded","type":"server_error","code":null,"param":null}}"""));
        hanging = await FakeUpstream.StartAsync(async context => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        paid = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, Answer));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var upstream in new[] { healthy, failing, hanging, paid })
        {
            await upstream.DisposeAsync();
        }
    }

    /// <summary>
    /// Mock (free), three self-hosted servers (free: probed by default; the healthy one listed under two models),
    /// and two deployments of a paid provider on one fake: one with probing switched on, one left at the default (off).
    /// </summary>
    private JsonObject Config(JsonObject? probes = null)
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        var providers = gateway["Providers"]!.AsObject();
        providers["healthy"] = Compatible(healthy);
        providers["failing"] = Compatible(failing);
        providers["hanging"] = Compatible(hanging);
        providers["openai"] = new JsonObject { ["Type"] = "openai", ["BaseUrl"] = paid.BaseUrl + "/v1", ["ApiKey"] = "sk-upstream" };
        var models = gateway["Models"]!.AsObject();
        models["local"] = GatewayHost.Deployments(("healthy", "llama"), ("failing", "llama"), ("hanging", "llama"));
        models["local-again"] = GatewayHost.Deployments(("healthy", "llama"));
        models["gpt-4o-mini"] = GatewayHost.Deployments(("openai", "gpt-4o-mini"));
        models["gpt-4o-mini"]!["Deployments"]![0]!["Probe"] = true;
        models["gpt-4.1"] = GatewayHost.Deployments(("openai", "gpt-4.1"));
        gateway["Probes"] = probes ?? new JsonObject { ["Enabled"] = false, ["TimeoutSeconds"] = 1 };
        gateway["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["FlushIntervalMilliseconds"] = 50 } };
        return config;

        static JsonObject Compatible(FakeUpstream upstream) =>
            new() { ["Type"] = "openai-compatible", ["BaseUrl"] = upstream.BaseUrl + "/v1", ["Auth"] = "none", ["TimeoutSeconds"] = 30 };
    }

    private Task<GatewayHost> StartAsync(JsonObject? probes = null, Dictionary<string, string>? environment = null) =>
        GatewayHost.StartAsync(Config(probes), environment, services: s => s.AddSingleton<IProbeObserver>(observer));

    [Fact]
    public async Task The_job_probes_each_enabled_deployment_once_and_judges_answers_errors_and_silence()
    {
        await using var host = await StartAsync();

        var report = await host.Services.GetRequiredService<HealthProbeJob>().RunAsync(CancellationToken.None);

        var results = report.Results.ToDictionary(r => r.Target.Deployment.Name, r => r.Result);
        // In the order of the models (bound configuration lists them by name), then of their deployments.
        Assert.Equal(["openai/gpt-4o-mini", "healthy/llama", "failing/llama", "hanging/llama", "mock/echo", "mock/embedding"], report.Results.Select(r => r.Target.Deployment.Name));
        Assert.Equal(ProbeKind.Embeddings, report.Results.Single(r => r.Target.Deployment.Name == "mock/embedding").Target.Kind);
        Assert.All(["mock/echo", "mock/embedding", "healthy/llama", "openai/gpt-4o-mini"], name => Assert.Equal(new ProbeResult(true, results[name].Latency, 200, null), results[name]));

        Assert.False(results["failing/llama"].Healthy);
        Assert.Equal(503, results["failing/llama"].Status);
        Assert.StartsWith("status 503: ", results["failing/llama"].Reason, StringComparison.Ordinal);
        Assert.Contains("overloaded", results["failing/llama"].Reason, StringComparison.Ordinal);

        Assert.Equal(new ProbeResult(false, results["hanging/llama"].Latency, null, "timeout: no answer within 1 s"), results["hanging/llama"]);
        Assert.InRange(results["hanging/llama"].Latency, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));

        // Once each: the healthy server is listed under two models; the paid deployment left at the default is not called.
        Assert.Single(healthy.Requests);
        Assert.Single(paid.Requests);
        Assert.EndsWith("/chat/completions", paid.LastRequest.PathAndQuery, StringComparison.Ordinal);
        var sent = JsonNode.Parse(healthy.LastRequest.Body)!;
        Assert.Equal(("llama", 1), (sent["model"]!.GetValue<string>(), sent["max_tokens"]!.GetValue<int>()));

        // Every observer heard every result.
        Assert.Equal(report.Results.Select(r => (r.Target.Deployment.Name, r.Result)), observer.Heard.Select(h => (h.Deployment.Name, h.Result)).OrderBy(h => report.Results.ToList().FindIndex(r => r.Target.Deployment.Name == h.Name)));
        Assert.Contains(host.Logs.Entries, e => e.Contains("hanging/llama is unhealthy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_probe_of_a_paid_deployment_is_recorded_in_the_ledger_at_its_price_and_free_probes_are_not()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<HealthProbeJob>().RunAsync(CancellationToken.None);

        var store = host.Services.GetRequiredService<IUsageStore>();
        await LedgerRecords.EventuallyAsync(async () => (await LedgerRecords.AllAsync(store)).Count > 0, "the probe's usage record");
        await Task.Delay(500); // any further record (there must be none) would have been written by now (flushes every 50 ms)

        var record = Assert.Single(await LedgerRecords.AllAsync(store));
        var price = host.Services.GetRequiredService<GatewayConfigStore>().Current.Prices.Find("gpt-4o-mini")!;
        Assert.Equal((DeploymentProber.LedgerKeyId, "gpt-4o-mini", "openai/gpt-4o-mini", "openai"), (record.KeyId, record.RequestedModel, record.Deployment, record.Provider));
        Assert.Equal((new TokenUsage(8, 1), false, 200), (record.Usage, record.UsageEstimated, record.Status));
        Assert.Equal(price.Cost(new TokenUsage(8, 1)), record.CostUsd);
        Assert.True(record.CostUsd > 0);
        Assert.StartsWith("probe_", record.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paid_probe_that_fails_costs_nothing_and_one_given_up_on_keeps_its_worst_case_as_an_estimate()
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        gateway["Providers"]!["failing"] = new JsonObject { ["Type"] = "openai", ["BaseUrl"] = failing.BaseUrl + "/v1", ["ApiKey"] = "sk-upstream" };
        gateway["Providers"]!["hanging"] = new JsonObject { ["Type"] = "openai", ["BaseUrl"] = hanging.BaseUrl + "/v1", ["ApiKey"] = "sk-upstream" };
        gateway["Models"]!["gpt-4o-mini"] = GatewayHost.Deployments(("failing", "gpt-4o-mini"), ("hanging", "gpt-4o-mini"));
        gateway["Models"]!["gpt-4o-mini"]!["Deployments"]![0]!["Probe"] = true;
        gateway["Models"]!["gpt-4o-mini"]!["Deployments"]![1]!["Probe"] = true;
        gateway["Probes"] = new JsonObject { ["Enabled"] = false, ["TimeoutSeconds"] = 1 };
        gateway["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["FlushIntervalMilliseconds"] = 50 } };
        await using var host = await GatewayHost.StartAsync(config);

        await host.Services.GetRequiredService<HealthProbeJob>().RunAsync(CancellationToken.None);

        var store = host.Services.GetRequiredService<IUsageStore>();
        await LedgerRecords.EventuallyAsync(async () => (await LedgerRecords.AllAsync(store)).Count == 2, "both probes' usage records");
        var records = (await LedgerRecords.AllAsync(store)).ToDictionary(r => r.Deployment!);
        var failed = records["failing/gpt-4o-mini"];
        Assert.Equal((503, "status 503", 0m, default(TokenUsage), false), (failed.Status, failed.Error, failed.CostUsd, failed.Usage, failed.UsageEstimated));

        var timedOut = records["hanging/gpt-4o-mini"];
        var price = host.Services.GetRequiredService<GatewayConfigStore>().Current.Prices.Find("gpt-4o-mini")!;
        Assert.Equal((504, "timeout", true, 1L), (timedOut.Status, timedOut.Error, timedOut.UsageEstimated, timedOut.Usage.OutputTokens));
        Assert.True(timedOut.Usage.InputTokens > 0);
        Assert.Equal(price.WorstCase(timedOut.Usage.InputTokens, 1), timedOut.CostUsd);
        Assert.Equal(DeploymentProber.LedgerKeyId, timedOut.KeyId);
    }

    [Fact]
    public async Task The_admin_route_needs_an_admin_key_and_returns_every_result()
    {
        await using var host = await StartAsync();
        using var anonymous = host.CreateClient(null);
        using var admin = host.CreateClient(GatewayHost.MasterKey);

        using (var refused = await anonymous.PostAsync("/admin/jobs/health-probe", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var forbidden = await host.Client.PostAsync("/admin/jobs/health-probe", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("admin_required", (string?)(await Json.ReadAsync(forbidden))["error"]!["code"]);
        }

        Assert.Empty(healthy.Requests); // refused calls probe nothing

        using var response = await admin.PostAsync("/admin/jobs/health-probe", null);
        var body = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("list", (string?)body["object"]);
        var rows = body["data"]!.AsArray().ToDictionary(r => r!["deployment"]!.GetValue<string>(), r => r!.AsObject());
        Assert.Equal(6, rows.Count);
        Assert.Equal((true, 200, "chat", "mock-echo", "mock"), Row(rows["mock/echo"]));
        Assert.Equal((true, 200, "embeddings", "mock-embedding", "mock"), Row(rows["mock/embedding"]));
        Assert.Equal((false, 503, "chat", "local", "openai-compatible"), Row(rows["failing/llama"]));
        Assert.Null(rows["hanging/llama"]["status"]);
        Assert.StartsWith("timeout", rows["hanging/llama"]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(rows["hanging/llama"]["latency_ms"]!.GetValue<double>() >= 900);

        static (bool, int?, string, string, string) Row(JsonObject row) => (
            row["healthy"]!.GetValue<bool>(), row["status"]?.GetValue<int>(), row["kind"]!.GetValue<string>(), row["model"]!.GetValue<string>(), row["provider"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_local_timer_runs_the_job_every_interval()
    {
        await using var host = await StartAsync(new JsonObject { ["IntervalSeconds"] = 1, ["TimeoutSeconds"] = 1 });

        await LedgerRecords.EventuallyAsync(() => Task.FromResult(observer.Heard.Count(h => h.Deployment.Name == "mock/echo") >= 2), "two timed probes of mock/echo", seconds: 15);

        Assert.True(healthy.Requests.Count >= 2, $"the healthy server was probed {healthy.Requests.Count} times");
    }

    [Fact]
    public async Task Under_the_functions_host_the_timer_stays_off_and_the_timer_function_runs_the_job()
    {
        var functions = new Dictionary<string, string> { [GatewayApplication.CustomHandlerPortVariable] = "7071" };
        await using var host = await StartAsync(new JsonObject { ["IntervalSeconds"] = 1, ["TimeoutSeconds"] = 1 }, functions);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(observer.Heard);

        // What the Functions host sends a custom handler when a timer fires, and the answer it expects.
        using var response = await host.CreateClient(null).PostAsync("/health-probe", Json.Body("""{"Data":{"timer":{"IsPastDue":false}},"Metadata":{}}"""));
        var body = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body["Outputs"]!.AsObject());
        Assert.Null(body["ReturnValue"]);
        var log = Assert.Single(body["Logs"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith("Health probes: 6 deployments probed, 2 unhealthy: ", log, StringComparison.Ordinal);
        Assert.Contains("hanging/llama (timeout", log, StringComparison.Ordinal);
        Assert.Equal(6, observer.Heard.Count);
    }

    [Fact]
    public async Task Standalone_there_is_no_timer_function_route()
    {
        await using var host = await StartAsync();

        using var response = await host.CreateClient(null).PostAsync("/health-probe", Json.Body("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(observer.Heard);
    }

    private sealed class RecordingObserver : IProbeObserver
    {
        public ConcurrentQueue<(Deployment Deployment, ProbeResult Result)> Heard { get; } = new();

        public void OnProbe(Deployment deployment, ProbeResult result) => Heard.Enqueue((deployment, result));
    }
}
