using System.Net;
using System.Net.Sockets;

namespace ServerlessGateway.Tests.Providers;

/// <summary>
/// A loopback port where opening a connection hangs, for connect time-outs: a listening socket that never
/// accepts, its backlog filled by connections of its own, so the kernel drops further SYNs and the client
/// keeps waiting (Linux drops a SYN while the accept queue is full). Unlike a non-routable address it
/// needs no network and cannot fail fast with "network unreachable".
/// </summary>
public sealed class UnacceptingListener : IDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> backlog = [];

    private UnacceptingListener()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}";

    public static async Task<UnacceptingListener> StartAsync()
    {
        var hanging = new UnacceptingListener();
        for (var i = 0; i < 32; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                await filler.ConnectAsync(hanging.listener.LocalEndPoint!, wait.Token);
                hanging.backlog.Add(filler);
            }
            catch (OperationCanceledException)
            {
                filler.Dispose();
                return hanging; // the queue is full: from now on a connection attempt hangs
            }
        }

        hanging.Dispose();
        throw new InvalidOperationException("The listener's backlog never filled, so connecting to it would not hang.");
    }

    public void Dispose()
    {
        foreach (var socket in backlog)
        {
            socket.Dispose();
        }

        listener.Dispose();
    }
}
