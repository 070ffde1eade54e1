namespace ServerlessGateway.Tokenization;

/// <summary>
/// The heap form. Part i is the bytes from i to next[i]. The heap holds one key per part whose join with the
/// next part is a token: (rank &lt;&lt; 32) | start, so the minimum is the lowest rank and, among equal ranks,
/// the leftmost — tiktoken's choice — and comparisons touch only the heap. A merge changes the keys of the
/// merged part and its left neighbour and removes the absorbed part's; each is sifted in place.
/// </summary>
internal ref struct HeapMerge
{
    /// <summary>A 4-ary heap: half the depth of a binary one, and a node's children share a cache line.</summary>
    private const int Arity = 4;

    private readonly RankTable ranks;
    private readonly ReadOnlySpan<byte> piece;
    private readonly Span<int> next;
    private readonly Span<int> previous;
    private readonly Span<int> heapIndex;
    private readonly Span<long> heap;
    private int heapSize;

    public HeapMerge(RankTable ranks, ReadOnlySpan<byte> piece, Span<int> links, Span<long> keys)
    {
        this.ranks = ranks;
        this.piece = piece;
        var n = piece.Length;
        next = links[..n];
        previous = links.Slice(n, n);
        heapIndex = links.Slice(2 * n, n);
        heap = keys;
        for (var i = 0; i < n; i++)
        {
            next[i] = i + 1;
            previous[i] = i - 1;
            heapIndex[i] = -1;
            var rank = i + 1 < n ? ranks.PairRank(piece[i], piece[i + 1]) : RankTable.NoRank;
            if (rank != RankTable.NoRank)
            {
                heap[heapSize] = Key(rank, i);
                heapIndex[i] = heapSize++;
            }
        }

        for (var i = (heapSize - 2) / Arity; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    public int Run(Span<int> ids)
    {
        var n = piece.Length;
        while (heapSize > 0)
        {
            var at = (int)heap[0];
            var absorbed = next[at];
            var right = next[absorbed];
            next[at] = right;
            if (right < n)
            {
                previous[right] = at;
            }

            SetRank(absorbed, RankTable.NoRank);
            SetRank(at, right < n ? ranks.Rank(piece[at..next[right]]) : RankTable.NoRank);
            var left = previous[at];
            if (left >= 0)
            {
                SetRank(left, ranks.Rank(piece[left..right]));
            }
        }

        var count = 0;
        for (var part = 0; part < n; part = next[part])
        {
            ids[count++] = ranks.Rank(piece[part..next[part]]);
        }

        return count;
    }

    private static long Key(int rank, int start) => ((long)rank << 32) | (uint)start;

    /// <summary>Gives part <paramref name="start"/> a new pair rank: inserts, re-sifts or removes its key.</summary>
    private void SetRank(int start, int rank)
    {
        var index = heapIndex[start];
        if (rank == RankTable.NoRank)
        {
            if (index >= 0)
            {
                RemoveAt(index);
                heapIndex[start] = -1;
            }

            return;
        }

        if (index < 0)
        {
            index = heapSize++;
        }

        heap[index] = Key(rank, start);
        heapIndex[start] = index;
        SiftUp(index);
        SiftDown(heapIndex[start]);
    }

    private void RemoveAt(int index)
    {
        heapSize--;
        if (index == heapSize)
        {
            return;
        }

        var moved = heap[heapSize];
        heap[index] = moved;
        heapIndex[(int)moved] = index;
        SiftUp(index);
        SiftDown(heapIndex[(int)moved]);
    }

    private void SiftUp(int index)
    {
        var item = heap[index];
        while (index > 0)
        {
            var parent = (index - 1) / Arity;
            if (heap[parent] <= item)
            {
                break;
            }

            heap[index] = heap[parent];
            heapIndex[(int)heap[index]] = index;
            index = parent;
        }

        heap[index] = item;
        heapIndex[(int)item] = index;
    }

    private void SiftDown(int index)
    {
        var item = heap[index];
        while (true)
        {
            var first = (index * Arity) + 1;
            if (first >= heapSize)
            {
                break;
            }

            var child = first;
            var last = Math.Min(first + Arity, heapSize);
            for (var c = first + 1; c < last; c++)
            {
                if (heap[c] < heap[child])
                {
                    child = c;
                }
            }

            if (heap[child] >= item)
            {
                break;
            }

            heap[index] = heap[child];
            heapIndex[(int)heap[index]] = index;
            index = child;
        }

        heap[index] = item;
        heapIndex[(int)item] = index;
    }
}
