using System.Net;
using System.Net.Sockets;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// The one connection pool every HTTP adapter sends through, and how it opens connections. A
/// SocketsHttpHandler has one ConnectTimeout for all requests, but each deployment has its own: the request
/// that opens a connection carries its deployment's limit (<see cref="SetConnectTimeout"/>), and the
/// handler's connect callback honours it.
/// </summary>
public static class UpstreamConnections
{
    /// <summary>
    /// The handler's own limit on opening a connection, TLS handshake included, above any deployment's
    /// connect time-out: it only ends attempts nobody waits for any more (the request that started one gives
    /// up at its own first-token or total time-out, and a TLS handshake falls under those).
    /// </summary>
    private static readonly TimeSpan ConnectBackstop = TimeSpan.FromSeconds(DeploymentTimeoutsReader.MaxConnectSeconds * 2);

    private static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("ServerlessGateway.ConnectTimeout");

    /// <summary>
    /// A long-lived pool for every upstream. The handler is never recycled by the factory (that would drop
    /// warm connections); PooledConnectionLifetime picks up DNS changes.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(TimeProvider time) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = int.MaxValue,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = ConnectBackstop,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, time, cancellationToken),
    };

    /// <summary>
    /// Gives <paramref name="request"/> its deployment's connect time-out, used if it opens a connection. The
    /// default is left implicit: a request's options are a dictionary created on first use, which most
    /// requests then never need.
    /// </summary>
    public static void SetConnectTimeout(HttpRequestMessage request, TimeSpan limit)
    {
        if (limit != DeploymentTimeouts.DefaultConnect)
        {
            request.Options.Set(ConnectTimeoutKey, limit);
        }
    }

    /// <summary>What the default handler does (a dual-mode socket, Nagle off), bounded by the opening request's connect time-out.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        var limit = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var own) ? own : DeploymentTimeouts.DefaultConnect;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, linked.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new UpstreamConnectTimeoutException(limit, $"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// No connection within the connect time-out. The handler hands it to the request wrapped in an
/// HttpRequestException, where the adapter finds it and names the limit that was hit.
/// </summary>
public sealed class UpstreamConnectTimeoutException(TimeSpan limit, string endpoint)
    : TimeoutException($"No connection to {endpoint} within {limit.TotalSeconds:0.###} s.")
{
    public TimeSpan Limit { get; } = limit;
}
