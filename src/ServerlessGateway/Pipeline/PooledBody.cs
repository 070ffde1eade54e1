using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// A request or upstream response body, read once into one pooled buffer. Parsing reads it in place and
/// forwarding writes the same bytes on, so even a 16 MB image body is held once, never copied.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private const int InitialUnknownLengthSize = 16 * 1024;
    private byte[]? buffer;
    private bool owned = true;

    private PooledBody(byte[] buffer, int length)
    {
        this.buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>Wraps bytes the caller owns (tests, benchmarks); disposing returns nothing to the pool.</summary>
    public static PooledBody FromBytes(byte[] bytes) => new(bytes, bytes.Length) { owned = false };

    public static ValueTask<PooledBodyResult> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync(request.Body, request.ContentLength, limit, cancellationToken);

    /// <summary>Reads a whole stream, refusing (without reading it all) one longer than <paramref name="limit"/>.</summary>
    public static async ValueTask<PooledBodyResult> ReadAsync(Stream stream, long? declared, long limit, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            return new PooledBodyResult(null, GatewayError.PayloadTooLarge(limit));
        }

        // Read at most one byte past the limit: that byte proves the body is too large.
        var max = limit + 1;
        var size = declared is > 0 ? (int)declared.Value : InitialUnknownLengthSize;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)rented.Length * 2, max));
                    rented.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }

                var room = (int)Math.Min(rented.Length - length, max - length);
                var read = await stream.ReadAsync(rented.AsMemory(length, room), cancellationToken);
                if (read == 0)
                {
                    return new PooledBodyResult(new PooledBody(rented, length), null);
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                    return new PooledBodyResult(null, GatewayError.PayloadTooLarge(limit));
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    public void Dispose()
    {
        var toReturn = Interlocked.Exchange(ref buffer, null);
        if (toReturn is not null && owned)
        {
            ArrayPool<byte>.Shared.Return(toReturn);
        }
    }
}

/// <summary>The body, or the 413 that explains why it was not read.</summary>
public readonly record struct PooledBodyResult(PooledBody? Body, GatewayError? Error);
