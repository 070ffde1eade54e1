using System.Numerics.Tensors;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// Exact search: one SIMD dot product (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// per entry over one contiguous array, so the scan streams through memory. Linear in the entry count, which is
/// fine for small partitions (<see cref="PartitionedVectorIndex"/> moves larger ones to <see cref="HnswVectorIndex"/>).
/// Removal moves the last row into the hole, keeping rows contiguous. Searches share a read lock; adds and removes
/// take the write lock.
/// </summary>
public sealed class FlatVectorIndex : IVectorIndex, IDisposable
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> rowOf = new(StringComparer.Ordinal);
    private float[] vectors;
    private string?[] keys;
    private int count;

    public FlatVectorIndex(int dimensions, int initialCapacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 1);
        Dimensions = dimensions;
        vectors = new float[dimensions * initialCapacity];
        keys = new string?[initialCapacity];
    }

    public int Dimensions { get; }

    public int Count => Volatile.Read(ref count);

    public void Add(string key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfNotEqual(vector.Length, Dimensions);
        gate.EnterWriteLock();
        try
        {
            if (!rowOf.TryGetValue(key, out var row))
            {
                row = count;
                if (row == keys.Length)
                {
                    Array.Resize(ref keys, keys.Length * 2);
                    Array.Resize(ref vectors, vectors.Length * 2);
                }

                keys[row] = key;
                rowOf[key] = row;
                Volatile.Write(ref count, count + 1);
            }

            vector.CopyTo(vectors.AsSpan(row * Dimensions, Dimensions));
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        gate.EnterWriteLock();
        try
        {
            if (!rowOf.Remove(key, out var row))
            {
                return false;
            }

            var last = count - 1;
            if (row != last)
            {
                vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(vectors.AsSpan(row * Dimensions, Dimensions));
                keys[row] = keys[last];
                rowOf[keys[row]!] = row;
            }

            keys[last] = null;
            Volatile.Write(ref count, last);
            return true;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, float minSimilarity)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(query.Length, Dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        gate.EnterReadLock();
        try
        {
            var top = new TopMatches(k, minSimilarity);
            var all = vectors.AsSpan(0, count * Dimensions);
            for (var row = 0; row < count; row++)
            {
                top.Offer(row, TensorPrimitives.Dot(query, all.Slice(row * Dimensions, Dimensions)));
            }

            return top.ToMatches(keys);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>A copy of every entry (for moving a partition to another index).</summary>
    public IReadOnlyList<(string Key, float[] Vector)> Entries()
    {
        gate.EnterReadLock();
        try
        {
            var entries = new (string Key, float[] Vector)[count];
            for (var row = 0; row < count; row++)
            {
                entries[row] = (keys[row]!, vectors.AsSpan(row * Dimensions, Dimensions).ToArray());
            }

            return entries;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    public void Dispose() => gate.Dispose();
}
