using System.Diagnostics;
using System.Text;

namespace ServerlessGateway.LoadBench;

/// <summary>A 16 MB multimodal request (one base64 image) through the gateway, watching its memory.</summary>
public static class LargeBody
{
    public static byte[] Create(int size)
    {
        var prefix = """{"model":"bench-model","messages":[{"role":"user","content":[{"type":"text","text":"Describe this image."},{"type":"image_url","image_url":{"url":"data:image/png;base64,""";
        const string Suffix = "\"}}]}],\"max_tokens\":64}";
        var payload = new StringBuilder(size).Append(prefix);
        var base64 = Convert.ToBase64String(Enumerable.Range(0, 3 * 1024).Select(i => (byte)(i * 31)).ToArray());
        while (payload.Length + base64.Length + Suffix.Length < size)
        {
            payload.Append(base64);
        }

        return Encoding.UTF8.GetBytes(payload.Append(Suffix).ToString());
    }

    public static async Task<LargeBodyResult> MeasureAsync(TargetProcess gateway, byte[] request)
    {
        const int Requests = 5;
        var before = gateway.MemoryMegabytes().Rss;
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, gateway.MemoryMegabytes().Rss);
                await Task.Delay(5);
            }
        });
        var latencies = new List<double>();
        var errors = 0;
        using (var connection = await RawHttpConnection.ConnectAsync(gateway.Endpoint))
        {
            for (var i = 0; i < Requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, _) = await connection.SendAsync(request);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                errors += status == 200 ? 0 : 1;
            }
        }

        await stop.CancelAsync();
        await sampler;
        return new LargeBodyResult(request.Length / (1024.0 * 1024), before, peak, latencies.Order().ElementAt(latencies.Count / 2), errors);
    }
}

public sealed record LargeBodyResult(double BodyMb, double RssBeforeMb, double RssPeakMb, double MedianMs, int Errors);
