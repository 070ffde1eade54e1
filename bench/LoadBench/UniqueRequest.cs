using System.Text;

namespace ServerlessGateway.LoadBench;

/// <summary>
/// Makes every request of a run different, so the gateway's cache sees the miss path (look up, miss, call, store) on
/// every request rather than answering the same question from the cache after the first. The request bytes hold a
/// fixed-width marker "#0000000000" (in the user message); each send writes the next number of a counter shared by all
/// connections into a connection's own copy: same length, no allocation per request.
/// </summary>
public sealed class UniqueRequest
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("#0000000000");
    private static long counter;
    private readonly byte[] request;
    private readonly int digits;

    public UniqueRequest(byte[] template)
    {
        request = (byte[])template.Clone();
        var at = request.AsSpan().IndexOf(Marker);
        digits = at < 0 ? -1 : at + 1;
    }

    public ReadOnlyMemory<byte> Next()
    {
        if (digits >= 0)
        {
            var value = Interlocked.Increment(ref counter);
            for (var i = 9; i >= 0; i--, value /= 10)
            {
                request[digits + i] = (byte)('0' + (value % 10));
            }
        }

        return request;
    }
}
