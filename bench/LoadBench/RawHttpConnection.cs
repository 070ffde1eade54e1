using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerlessGateway.LoadBench;

/// <summary>
/// A minimal HTTP/1.1 keep-alive client on a raw socket: sends prebuilt request bytes and reads the
/// response (Content-Length or chunked), noting when the first body byte arrived. Much cheaper per
/// request than HttpClient, so the load generator takes as little as possible of the shared 2 cores.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private readonly Socket socket;
    private readonly byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    private RawHttpConnection(Socket socket) => this.socket = socket;

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new RawHttpConnection(socket);
    }

    public static byte[] BuildRequest(IPEndPoint endpoint, string path, string? authorization, byte[] body)
    {
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        if (authorization is not null)
        {
            head.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        var headBytes = Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
        return [.. headBytes, .. body];
    }

    /// <summary>Sends one request and reads its whole response. Returns the status and the first-body-byte timestamp.</summary>
    public async ValueTask<(int Status, long FirstByte)> SendAsync(ReadOnlyMemory<byte> request)
    {
        await socket.SendAsync(request);
        var headerEnd = await ReadUntilHeadersAsync();
        var status = ParseStatus();
        var (contentLength, chunked) = ParseFraming(headerEnd);
        start = headerEnd;
        if (end == start)
        {
            await FillAsync();
        }

        var firstByte = Stopwatch.GetTimestamp();
        if (chunked)
        {
            await ReadChunkedAsync();
        }
        else
        {
            await SkipAsync(contentLength);
        }

        return (status, firstByte);
    }

    private async ValueTask<int> ReadUntilHeadersAsync()
    {
        while (true)
        {
            var at = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8);
            if (at >= 0)
            {
                return start + at + 4;
            }

            await FillAsync();
        }
    }

    private int ParseStatus()
    {
        var line = buffer.AsSpan(start, 12);
        return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    }

    private (int ContentLength, bool Chunked) ParseFraming(int headerEnd)
    {
        var headers = Encoding.ASCII.GetString(buffer, start, headerEnd - start);
        var chunked = headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
        var at = headers.IndexOf("content-length:", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return (0, chunked);
        }

        var value = headers.AsSpan(at + 15);
        value = value[..value.IndexOf('\r')].Trim();
        return (int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), chunked);
    }

    private async ValueTask ReadChunkedAsync()
    {
        while (true)
        {
            var lineEnd = await FindLineAsync();
            var size = Convert.ToInt32(Encoding.ASCII.GetString(buffer, start, lineEnd - start).Split(';')[0], 16);
            start = lineEnd + 2;
            if (size == 0)
            {
                await FindLineAsync(); // the empty line after the last chunk (no trailers expected)
                start += 2;
                return;
            }

            await SkipAsync(size + 2); // the chunk and its CRLF
        }
    }

    /// <summary>Consumes <paramref name="count"/> body bytes, reading more as needed.</summary>
    private async ValueTask SkipAsync(int count)
    {
        while (count > 0)
        {
            if (end == start)
            {
                await FillAsync();
            }

            var take = Math.Min(count, end - start);
            start += take;
            count -= take;
        }
    }

    private async ValueTask<int> FindLineAsync()
    {
        while (true)
        {
            var at = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8);
            if (at >= 0)
            {
                return start + at;
            }

            await FillAsync();
        }
    }

    /// <summary>Reads more bytes, compacting the buffer first.</summary>
    private async ValueTask FillAsync()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        var read = await socket.ReceiveAsync(buffer.AsMemory(end));
        if (read == 0)
        {
            throw new IOException("connection closed by the server");
        }

        end += read;
    }

    public void Dispose() => socket.Dispose();
}
