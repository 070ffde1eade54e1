using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Tests.Pipeline;

public sealed class PooledBodyTests
{
    private const int Limit = 64 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(32 * 1024)]
    [InlineData(Limit)]
    public async Task Reads_bodies_up_to_the_limit_whole_with_or_without_a_declared_length(int length)
    {
        var bytes = Bytes(length);
        foreach (var declared in new long?[] { null, length })
        {
            var read = await PooledBody.ReadAsync(new TrickleStream(bytes, 1000), declared, Limit, TestContext.Current.CancellationToken);

            Assert.Null(read.Error);
            using var body = read.Body!;
            Assert.Equal(length, body.Length);
            Assert.True(body.Span.SequenceEqual(bytes));
        }
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        var stream = new TrickleStream(Bytes(Limit + 1), 1000);

        var read = await PooledBody.ReadAsync(stream, Limit + 1, Limit, TestContext.Current.CancellationToken);

        Assert.Equal(413, read.Error?.Status);
        Assert.Equal("request_too_large", read.Error?.Code);
        Assert.Null(read.Body);
        Assert.Equal(0, stream.Position);
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(10 * Limit)]
    public async Task An_undeclared_body_over_the_limit_is_refused_after_one_byte_too_many(int length)
    {
        var stream = new TrickleStream(Bytes(length), 1000);

        var read = await PooledBody.ReadAsync(stream, null, Limit, TestContext.Current.CancellationToken);

        Assert.Equal(413, read.Error?.Status);
        Assert.Null(read.Body);
        Assert.Equal(Limit + 1, stream.Position);
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_a_disposed_body_is_not_read()
    {
        var body = PooledBody.FromBytes([1, 2, 3]);
        body.Dispose();
        body.Dispose();

        Assert.Throws<ObjectDisposedException>(() => body.Memory);
    }

    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31))];

    /// <summary>A non-seekable stream that hands out at most <c>chunk</c> bytes per read, like a socket.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
