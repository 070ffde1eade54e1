using System.Buffers;

namespace ServerlessGateway.Tokenization;

/// <summary>Where the encoder puts token ids: counted only, or collected. A struct type argument, so the loop is specialised.</summary>
internal interface ITokenSink
{
    void Add(int id);

    void Add(ReadOnlySpan<int> ids);
}

/// <summary>Counts, keeps nothing.</summary>
internal struct CountingSink : ITokenSink
{
    public int Count;

    public void Add(int id) => Count++;

    public void Add(ReadOnlySpan<int> ids) => Count += ids.Length;
}

/// <summary>Collects ids in a pooled buffer that grows by doubling; <see cref="ToArray"/> copies them out once.</summary>
internal struct CollectingSink(int capacity) : ITokenSink, IDisposable
{
    private int[] buffer = ArrayPool<int>.Shared.Rent(Math.Max(capacity, 16));
    private int count;

    public void Add(int id)
    {
        if (count == buffer.Length)
        {
            Grow(1);
        }

        buffer[count++] = id;
    }

    public void Add(ReadOnlySpan<int> ids)
    {
        if (buffer.Length - count < ids.Length)
        {
            Grow(ids.Length);
        }

        ids.CopyTo(buffer.AsSpan(count));
        count += ids.Length;
    }

    public readonly int[] ToArray() => buffer.AsSpan(0, count).ToArray();

    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<int>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<int>.Shared.Rent(Math.Max(buffer.Length * 2, count + needed));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<int>.Shared.Return(buffer);
        buffer = larger;
    }
}
