using System.Globalization;

namespace ServerlessGateway.LoadBench;

public sealed record BenchOptions
{
    public int Port { get; init; }

    public string Upstream { get; init; } = "";

    public double DurationSeconds { get; init; } = 5;

    public double WarmupSeconds { get; init; } = 2;

    public int Chunks { get; init; } = 20;

    public int ChunkDelayMs { get; init; }

    public int LatencyMs { get; init; }

    public int FixedRate { get; init; } = 5000;

    /// <summary>Sections to run (json, sse, rate, ttfb, large); all when empty.</summary>
    public string[] Only { get; init; } = [];

    /// <summary>Extra environment for the gateway process (e.g. DOTNET_gcServer=0), for experiments.</summary>
    public Dictionary<string, string> GatewayEnvironment { get; init; } = [];

    /// <summary>The gateway to measure, e.g. a published (ReadyToRun) package; default: this checkout's Release build.</summary>
    public string? GatewayDll { get; init; }

    /// <summary>
    /// A second gateway measured in the same run (target "baseline"): another build (e.g. main's, to see what a change
    /// moved) and/or other environment. Off unless one of the two is given.
    /// </summary>
    public string? BaselineDll { get; init; }

    public Dictionary<string, string> BaselineEnvironment { get; init; } = [];

    public bool HasBaseline => BaselineDll is not null || BaselineEnvironment.Count > 0;

    /// <summary>Connection counts of the closed-loop cells; default 1, 32 and 128 (1 and 32 with --quick).</summary>
    public int[]? Connections { get; init; }

    public bool Runs(string section) => Only.Length == 0 || Only.Contains(section);

    /// <summary>Fewer cells and shorter runs, for a quick look.</summary>
    public bool Quick { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => args[++i];
            options = args[i] switch
            {
                "--port" => options with { Port = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--upstream" => options with { Upstream = Next() },
                "--duration" => options with { DurationSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--warmup" => options with { WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--chunks" => options with { Chunks = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--chunk-delay-ms" => options with { ChunkDelayMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--latency-ms" => options with { LatencyMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rate" => options with { FixedRate = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--gateway-env" => options with { GatewayEnvironment = new(options.GatewayEnvironment) { [Next().Split('=')[0]] = args[i].Split('=', 2)[1] } },
                "--baseline-dll" => options with { BaselineDll = Path.GetFullPath(Next()) },
                "--baseline-env" => options with { BaselineEnvironment = new(options.BaselineEnvironment) { [Next().Split('=')[0]] = args[i].Split('=', 2)[1] } },
                "--connections" => options with { Connections = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                "--gateway-dll" => options with { GatewayDll = Path.GetFullPath(Next()) },
                "--only" => options with { Only = Next().Split(',') },
                "--quick" => options with { Quick = true, DurationSeconds = 2, WarmupSeconds = 1 },
                _ => throw new ArgumentException("unknown option " + args[i]),
            };
        }

        return options;
    }
}
