using System.Globalization;

namespace ServerlessGateway.LoadBench;

/// <summary>Collects the run's measurements and prints them as one table, with the targets checked.</summary>
public sealed class BenchReport(BenchOptions options)
{
    private readonly List<(string Mode, string Cell, string Target, Measurement Measurement)> rows = [];
    private readonly List<(string Target, LoadResult Result)> ttfb = [];
    private LargeBodyResult? largeBody;

    public void Add(string mode, string cell, TargetProcess target, Measurement measurement) => rows.Add((mode, cell, target.Name, measurement));

    public void AddTtfb(string target, LoadResult result) => ttfb.Add((target, result));

    public void AddLargeBody(LargeBodyResult result) => largeBody = result;

    public void Print(TextWriter output)
    {
        output.WriteLine($"ServerlessGateway load bench — {Environment.ProcessorCount} cores, {options.DurationSeconds:0.#} s per cell, mock {options.Chunks} SSE chunks, latency {options.LatencyMs} ms, all on loopback");
        output.WriteLine();
        output.WriteLine(Line("mode", "load", "target", "req/s", "p50_ms", "p99_ms", "p999_ms", "+p50_ms", "+p99_ms", "cpu_ms/r", "rss_mb", "errors"));
        foreach (var (mode, cell, target, m) in rows)
        {
            var direct = rows.First(r => r.Mode == mode && r.Cell == cell && r.Target == "direct").Measurement.Load.Total;
            var total = m.Load.Total;
            var added = target == "direct" ? ("-", "-") : (F(total.P50 - direct.P50, 3), F(total.P99 - direct.P99, 3));
            output.WriteLine(Line(mode, cell, target, F(m.Load.RequestsPerSecond, 0), F(total.P50, 3), F(total.P99, 3), F(total.P999, 3), added.Item1, added.Item2, F(m.CpuMsPerRequest, 3), F(m.PeakRssMb, 0), m.Load.Errors.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (_, cell, target, m) in rows.Where(r => r.Measurement.Load.Late > 0))
        {
            output.WriteLine($"  note: {target} at {cell}: {m.Load.Late} of {m.Load.Requests} requests left more than 2 ms after they were due");
        }

        output.WriteLine();
        output.WriteLine("streaming, one request at a time (ms)   ttfb_p50  ttfb_p99  total_p50  +ttfb_p50");
        var directTtfb = ttfb.FirstOrDefault(t => t.Target == "direct").Result?.FirstByte.P50 ?? double.NaN;
        foreach (var (target, result) in ttfb)
        {
            output.WriteLine($"  {target,-37}{F(result.FirstByte.P50, 3),9} {F(result.FirstByte.P99, 3),9} {F(result.Total.P50, 3),10} {(target == "direct" ? "-" : F(result.FirstByte.P50 - directTtfb, 3)),10}");
        }

        if (largeBody is { } large)
        {
            output.WriteLine();
            output.WriteLine($"large body: {large.BodyMb:0.0} MB base64 image through the gateway: median {large.MedianMs:0.0} ms, RSS {large.RssBeforeMb:0} MB before, {large.RssPeakMb:0} MB peak (+{large.RssPeakMb - large.RssBeforeMb:0} MB = {(large.RssPeakMb - large.RssBeforeMb) / large.BodyMb:0.0}x the body), errors {large.Errors}");
        }

        output.WriteLine();
        PrintTargets(output);
    }

    private void PrintTargets(TextWriter output)
    {
        if (rows.Count == 0 || ttfb.Count == 0 || !rows.Any(r => r.Cell.EndsWith("/s", StringComparison.Ordinal)) || !rows.Any(r => r.Cell == "c=32" && r.Mode == "json"))
        {
            output.WriteLine("targets: not checked (a partial run)");
            return;
        }

        Measurement Cell(string mode, string cell, string target) => rows.First(r => r.Mode == mode && r.Cell == cell && r.Target == target).Measurement;
        var json32 = Cell("json", "c=32", "gateway");
        var forwarder32 = Cell("json", "c=32", "forwarder");
        var json1 = Cell("json", "c=1", "gateway").Load.Total;
        var direct1 = Cell("json", "c=1", "direct").Load.Total;
        var rate = $"{options.FixedRate}/s";
        var rateAdded = Cell("json", rate, "gateway").Load.Total.P99 - Cell("json", rate, "direct").Load.Total.P99;
        var ttfbAdded = ttfb.First(t => t.Target == "gateway").Result.FirstByte.P50 - ttfb.First(t => t.Target == "direct").Result.FirstByte.P50;
        var gatewayRows = rows.Where(r => r.Target == "gateway").ToList();
        output.WriteLine("targets (gateway, all features on):");
        Check(output, "json c=32 throughput ≥ 15,000 req/s", json32.Load.RequestsPerSecond >= 15_000, F(json32.Load.RequestsPerSecond, 0));
        Check(output, "json c=32 ≥ 0.6× the bare forwarder", json32.Load.RequestsPerSecond >= 0.6 * forwarder32.Load.RequestsPerSecond, F(json32.Load.RequestsPerSecond / forwarder32.Load.RequestsPerSecond, 2) + "×");
        Check(output, "c=1 added p50 ≤ 0.15 ms", json1.P50 - direct1.P50 <= 0.15, F(json1.P50 - direct1.P50, 3));
        Check(output, "c=1 added p99 ≤ 1 ms", json1.P99 - direct1.P99 <= 1, F(json1.P99 - direct1.P99, 3));
        Check(output, $"{rate} added p99 ≤ 1 ms", rateAdded <= 1, F(rateAdded, 3));
        Check(output, "streaming first byte ≤ 0.5 ms after direct", ttfbAdded <= 0.5, F(ttfbAdded, 3));
        if (rows.Any(r => r.Cell == "c=128"))
        {
            Check(output, "no errors at 128 connections", gatewayRows.Where(r => r.Cell == "c=128").All(r => r.Measurement.Load.Errors == 0), gatewayRows.Where(r => r.Cell == "c=128").Sum(r => r.Measurement.Load.Errors).ToString(CultureInfo.InvariantCulture));
        }

        Check(output, "peak RSS ≤ 150 MB", gatewayRows.Max(r => r.Measurement.PeakRssMb) <= 150, F(gatewayRows.Max(r => r.Measurement.PeakRssMb), 0));
        Check(output, "CPU ≤ 0.08 ms per request at saturation (json c=32)", json32.CpuMsPerRequest <= 0.08, F(json32.CpuMsPerRequest, 3));
        if (largeBody is { } large)
        {
            Check(output, "16 MB body: memory ≤ 4× the body", large.RssPeakMb - large.RssBeforeMb <= 4 * large.BodyMb, F((large.RssPeakMb - large.RssBeforeMb) / large.BodyMb, 1) + "×");
        }
    }

    private static void Check(TextWriter output, string what, bool met, string value) =>
        output.WriteLine($"  [{(met ? "met" : "MISSED")}] {what}: {value}");

    private static string Line(params string[] cells)
    {
        int[] widths = [5, 8, 10, 9, 8, 8, 9, 8, 8, 9, 7, 7];
        return string.Join(" ", cells.Select((c, i) => i < 3 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
    }

    private static string F(double value, int decimals) => double.IsNaN(value) ? "n/a" : value.ToString("N" + decimals, CultureInfo.InvariantCulture);
}
