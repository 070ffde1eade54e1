using System.Diagnostics;
using System.Net;

namespace ServerlessGateway.LoadBench;

/// <summary>Closed-loop (N connections, back to back) and fixed-rate load, with latency percentiles.</summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> ClosedLoopAsync(IPEndPoint endpoint, byte[] request, int connections, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var samples = new Samples();
            var unique = new UniqueRequest(request);
            RawHttpConnection? connection = null;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    connection ??= await RawHttpConnection.ConnectAsync(endpoint);
                    var (status, firstByte) = await connection.SendAsync(unique.Next());
                    samples.Add(status, sent, firstByte, Stopwatch.GetTimestamp());
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
                {
                    samples.Errors++;
                    connection?.Dispose();
                    connection = null;
                }
            }

            connection?.Dispose();
            return samples;
        })).ToArray();
        return LoadResult.From(await Task.WhenAll(workers), duration);
    }

    /// <summary>
    /// Offers a fixed rate: one pacer thread releases each request when it is due (sleeping in 1 ms
    /// steps, so up to rate/1000 requests leave together) to a pool of connections. Latency is measured
    /// from the send; a send that leaves more than 2 ms after it was due is counted as late, so a target
    /// that falls behind shows even though its queueing is not in the percentiles.
    /// </summary>
    public static async Task<LoadResult> FixedRateAsync(IPEndPoint endpoint, byte[] request, int ratePerSecond, int connections, TimeSpan duration)
    {
        var due = System.Threading.Channels.Channel.CreateUnbounded<long>(new() { SingleWriter = true });
        var total = (long)(duration.TotalSeconds * ratePerSecond);
        var pacer = new Thread(() => Pace(due.Writer, ratePerSecond, total)) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        var lateAfter = Stopwatch.Frequency / 500;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var samples = new Samples();
            var unique = new UniqueRequest(request);
            using var connection = await RawHttpConnection.ConnectAsync(endpoint);
            await foreach (var dueAt in due.Reader.ReadAllAsync())
            {
                var sent = Stopwatch.GetTimestamp();
                samples.Late += sent - dueAt > lateAfter ? 1 : 0;
                try
                {
                    var (status, firstByte) = await connection.SendAsync(unique.Next());
                    samples.Add(status, sent, firstByte, Stopwatch.GetTimestamp());
                }
                catch (IOException)
                {
                    samples.Errors++;
                    return samples;
                }
            }

            return samples;
        })).ToArray();
        pacer.Start();
        return LoadResult.From(await Task.WhenAll(workers), duration);
    }

    private static void Pace(System.Threading.Channels.ChannelWriter<long> writer, int ratePerSecond, long total)
    {
        var interval = (double)Stopwatch.Frequency / ratePerSecond;
        var startAt = Stopwatch.GetTimestamp();
        for (long slot = 0; slot < total;)
        {
            var now = Stopwatch.GetTimestamp();
            for (var dueAt = startAt + (long)(slot * interval); slot < total && dueAt <= now; dueAt = startAt + (long)(++slot * interval))
            {
                writer.TryWrite(dueAt);
            }

            Thread.Sleep(1);
        }

        writer.Complete();
    }

    /// <summary>One request at a time: time to the first body byte and to the end.</summary>
    public static async Task<LoadResult> SequentialAsync(IPEndPoint endpoint, byte[] request, int count)
    {
        var samples = new Samples();
        var unique = new UniqueRequest(request);
        using var connection = await RawHttpConnection.ConnectAsync(endpoint);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var (status, firstByte) = await connection.SendAsync(unique.Next());
            samples.Add(status, sent, firstByte, Stopwatch.GetTimestamp());
        }

        return LoadResult.From([samples], Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>Per-worker latency samples in ticks.</summary>
public sealed class Samples
{
    public List<long> Total { get; } = new(100_000);

    public List<long> FirstByte { get; } = new(100_000);

    public int Errors { get; set; }

    /// <summary>Fixed-rate sends that left more than 2 ms after they were due.</summary>
    public long Late { get; set; }

    public void Add(int status, long sent, long firstByte, long done)
    {
        if (status != 200)
        {
            Errors++;
            return;
        }

        Total.Add(done - sent);
        FirstByte.Add(firstByte - sent);
    }
}

public sealed record LoadResult(long Requests, int Errors, double RequestsPerSecond, Percentiles Total, Percentiles FirstByte, long Late = 0)
{
    public static LoadResult From(Samples[] workers, TimeSpan duration)
    {
        var total = workers.SelectMany(w => w.Total).ToArray();
        var first = workers.SelectMany(w => w.FirstByte).ToArray();
        return new LoadResult(total.Length, workers.Sum(w => w.Errors), total.Length / duration.TotalSeconds, Percentiles.Of(total), Percentiles.Of(first), workers.Sum(w => w.Late));
    }
}

/// <summary>Milliseconds at p50, p99 and p99.9.</summary>
public sealed record Percentiles(double P50, double P99, double P999)
{
    public static Percentiles Of(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return new Percentiles(double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(ticks);
        double At(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1000.0 / Stopwatch.Frequency;
        return new Percentiles(At(0.50), At(0.99), At(0.999));
    }
}
