using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ServerlessGateway.LoadBench;

/// <summary>A lean Kestrel host on loopback for the mock and the forwarder.</summary>
internal static class BenchHost
{
    public static WebApplication CreateApp(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        return builder.Build();
    }

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 1024);
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
