using System.Globalization;
using System.Text;

namespace ServerlessGateway.LoadBench;

/// <summary>
/// Starts the mock upstream ("direct"), the bare forwarder and the gateway as separate processes on
/// loopback, drives them interleaved in one run and prints one table. Bounded in time; stops by itself.
/// </summary>
public static class BenchRunner
{
    public const string GatewayKey = "sk-bench-key-000000001";
    private const string ChatBody = """{"model":"bench-model","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Explain in two sentences what an API gateway does. #0000000000"}],"temperature":0,"max_tokens":64}""";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var self = typeof(BenchRunner).Assembly.Location;
        var gatewayDll = options.GatewayDll ?? Path.GetFullPath(
            Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "ServerlessGateway", "bin", Configuration, "net10.0", "ServerlessGateway.dll"));
        if (!File.Exists(gatewayDll))
        {
            Console.Error.WriteLine("Gateway build not found at " + gatewayDll);
            return 1;
        }

        var mockPort = TargetProcess.FreePort();
        using var direct = await TargetProcess.StartAsync("direct", self, ["mock", "--port", Invariant(mockPort), "--chunks", Invariant(options.Chunks), "--chunk-delay-ms", Invariant(options.ChunkDelayMs), "--latency-ms", Invariant(options.LatencyMs)], mockPort);
        var upstream = $"http://127.0.0.1:{mockPort}/v1";
        var forwarderPort = TargetProcess.FreePort();
        using var forwarder = await TargetProcess.StartAsync("forwarder", self, ["forwarder", "--port", Invariant(forwarderPort), "--upstream", upstream], forwarderPort);
        var gatewayPort = TargetProcess.FreePort();
        using var gateway = await StartGatewayAsync("gateway", gatewayDll, upstream, options.GatewayEnvironment);
        using var baseline = options.HasBaseline ? await StartGatewayAsync("baseline", options.BaselineDll ?? gatewayDll, upstream, options.BaselineEnvironment) : null;
        TargetProcess[] targets = baseline is null ? [direct, forwarder, gateway] : [direct, forwarder, baseline, gateway];

        var report = new BenchReport(options);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var body = Encoding.UTF8.GetBytes(ChatBody);
        var streamBody = Encoding.UTF8.GetBytes(ChatBody.Replace("\"max_tokens\":64", "\"max_tokens\":64,\"stream\":true", StringComparison.Ordinal));

        foreach (var target in targets)
        {
            await LoadGenerator.ClosedLoopAsync(target.Endpoint, Request(target, body), 32, TimeSpan.FromSeconds(options.WarmupSeconds));
            await LoadGenerator.ClosedLoopAsync(target.Endpoint, Request(target, streamBody), 32, TimeSpan.FromSeconds(options.WarmupSeconds / 2));
        }

        var connectionCounts = options.Connections ?? (options.Quick ? [1, 32] : [1, 32, 128]);
        foreach (var (mode, payload) in new[] { ("json", body), ("sse", streamBody) }.Where(m => options.Runs(m.Item1)))
        {
            foreach (var connections in connectionCounts)
            {
                foreach (var target in targets)
                {
                    report.Add(mode, $"c={connections}", target, await Measure(target, () => LoadGenerator.ClosedLoopAsync(target.Endpoint, Request(target, payload), connections, duration)));
                }
            }
        }

        // The exact cache's hit path: one question asked again and again (no unique marker), so after the first every
        // gateway answer comes from the cache (the direct and forwarder rows are the same request to the mock).
        var repeated = Encoding.UTF8.GetBytes(ChatBody.Replace(" #0000000000", "", StringComparison.Ordinal));
        foreach (var connections in options.Runs("hit") ? new[] { 1, 32 } : [])
        {
            foreach (var target in targets)
            {
                report.Add("hit", $"c={connections}", target, await Measure(target, () => LoadGenerator.ClosedLoopAsync(target.Endpoint, Request(target, repeated), connections, duration)));
            }
        }

        foreach (var target in targets.Where(_ => options.Runs("rate")))
        {
            report.Add("json", $"{options.FixedRate}/s", target, await Measure(target, () => LoadGenerator.FixedRateAsync(target.Endpoint, Request(target, body), options.FixedRate, 64, duration)));
        }

        foreach (var target in targets.Where(_ => options.Runs("ttfb")))
        {
            report.AddTtfb(target.Name, await LoadGenerator.SequentialAsync(target.Endpoint, Request(target, streamBody), options.Quick ? 200 : 500));
        }

        if (options.Runs("large"))
        {
            report.AddLargeBody(await LargeBody.MeasureAsync(gateway, Request(gateway, LargeBody.Create(16 * 1024 * 1024))));
        }

        report.Print(Console.Out);
        return 0;
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static async Task<Measurement> Measure(TargetProcess target, Func<Task<LoadResult>> run)
    {
        var cpuBefore = target.CpuMilliseconds();
        var result = await run();
        var cpu = target.CpuMilliseconds() - cpuBefore;
        return new Measurement(result, result.Requests == 0 ? double.NaN : cpu / result.Requests, target.MemoryMegabytes().Peak);
    }

    private static byte[] Request(TargetProcess target, byte[] body) =>
        RawHttpConnection.BuildRequest(target.Endpoint, "/v1/chat/completions", target.Name is "gateway" or "baseline" ? "Bearer " + GatewayKey : null, body);

    /// <summary>
    /// The gateway with every feature that exists switched on: key auth, validation, usage accounting, and
    /// governance on a SQLite store — RPM, TPM and parallel limits and a dollar budget on the key (set high
    /// enough never to refuse, so every request pays for admission, a reservation, its settlement and a ledger record);
    /// routing with a conditional route evaluated per request, a strategy, a fallback model, a hedge timer armed on
    /// every request (2 s, so it never fires), concurrency and quota checks, per-deployment time limits, the breaker and
    /// the decision trace.
    /// </summary>
    private static string WriteGatewayConfig(string upstream, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{name}-bench-{Environment.ProcessId}.json");
        var store = Path.Combine(Path.GetTempPath(), $"{name}-bench-{Environment.ProcessId}.db");
        File.WriteAllText(path, $$$"""
            {"Gateway":{
              "MaxRequestBodyBytes": 33554432,
              "MasterKey": "sk-bench-master-00000001",
              "Storage": {"Kind":"sqlite","SqlitePath":"{{{store}}}"},
              "Governance": {"Ledger": {"SpillPath":"{{{store}}}.spill"}},
              "Keys":[{"Name":"bench","Key":"{{{GatewayKey}}}","Models":["bench-model"],"Team":"bench-team","Tags":{"app":"loadbench"},
                       "Limits":{"RequestsPerMinute":100000000,"TokensPerMinute":100000000000,"MaxParallel":100000},
                       "Budget":{"MaxUsd":1000000,"Period":"monthly"}}],
              "Providers":{"mock-upstream":{"Type":"openai-compatible","BaseUrl":"{{{upstream}}}","ApiKey":"sk-upstream","TimeoutSeconds":30}},
              "Routing":{"Routes":[{"Name":"eu","When":{"Field":"header:x-region","Equals":"eu"},"Model":"bench-model"}]},
              "Models":{"bench-model":{"Strategy":"lowest-latency","Fallbacks":["bench-fallback"],"Hedge":{"AfterMs":2000},
                                       "Deployments":[{"Provider":"mock-upstream","Model":"gpt-4o-mini","MaxConcurrency":100000,"RequestsPerMinute":100000000,
                                                       "Timeouts":{"ConnectSeconds":5,"FirstTokenSeconds":30,"IdleSeconds":30}}]},
                        "bench-fallback":{"Deployments":[{"Provider":"mock-upstream","Model":"gpt-4o-mini","Name":"fallback"}]}}
            }}
            """);
        return path;
    }

    /// <summary>Each gateway gets its own config and SQLite files, so two never share counters or contend for a file.</summary>
    private static async Task<TargetProcess> StartGatewayAsync(string name, string dll, string upstream, Dictionary<string, string> environment)
    {
        var port = TargetProcess.FreePort();
        var config = WriteGatewayConfig(upstream, name);
        return await TargetProcess.StartAsync(name, dll, ["--config", config, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"], port, environment);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

public sealed record Measurement(LoadResult Load, double CpuMsPerRequest, double PeakRssMb);
