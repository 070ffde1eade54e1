using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ServerlessGateway.LoadBench;

/// <summary>A process under test on a loopback port, with its CPU time and memory read from /proc.</summary>
public sealed class TargetProcess : IDisposable
{
    private readonly Process process;

    private TargetProcess(string name, Process process, int port)
    {
        Name = name;
        this.process = process;
        Endpoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public string Name { get; }

    public IPEndPoint Endpoint { get; }

    public static async Task<TargetProcess> StartAsync(string name, string dll, IEnumerable<string> arguments, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + name);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new TargetProcess(name, process, port);
        await target.WaitUntilListeningAsync();
        return target;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(Endpoint);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>User + system CPU time so far, in milliseconds (from /proc/PID/stat).</summary>
    public double CpuMilliseconds()
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
    }

    /// <summary>Resident memory now (VmRSS) and the peak since start (VmHWM), in MB.</summary>
    public (double Rss, double Peak) MemoryMegabytes()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    private static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
    }
}
