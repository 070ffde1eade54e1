using System.Buffers;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// Byte-level BPE of one piece, exactly as tiktoken merges: start from single bytes; repeatedly merge the adjacent
/// pair whose concatenation has the lowest rank, the leftmost such pair on a tie; stop when no adjacent pair is a
/// token. Short pieces use tiktoken's own array scan (cache-friendly, O(n·merges)); longer ones a heap over a linked
/// list (O(n log n)), which gives the same merges in the same order — so a run of CJK text merges half again as
/// fast, and a megabyte of one letter takes a second, not hours.
/// </summary>
internal static class BytePairMerge
{
    /// <summary>Pieces up to this many bytes (as long as the longest token) merge in stack buffers.</summary>
    public const int SmallPieceLimit = 128;

    /// <summary>Pieces up to this many bytes use the array scan; its O(n²) loses to the heap beyond (measured).</summary>
    public const int ScanPieceLimit = 24;

    /// <summary>Longer pieces get their merge buffers allocated, not rented.</summary>
    private const int PooledPieceLimit = 1 << 16;

    /// <summary>Merges a piece of 2 bytes or more; writes its token ids to <paramref name="ids"/> (at least as long as the piece).</summary>
    public static int Merge(RankTable ranks, ReadOnlySpan<byte> piece, Span<int> ids) =>
        piece.Length <= ScanPieceLimit ? MergeByScan(ranks, piece, ids) : MergeWithHeap(ranks, piece, ids);

    /// <summary>tiktoken's array scan for a piece of 2..<see cref="SmallPieceLimit"/> bytes; returns how many ids it wrote.</summary>
    public static int MergeByScan(RankTable ranks, ReadOnlySpan<byte> piece, Span<int> ids)
    {
        var parts = piece.Length;
        Span<int> starts = stackalloc int[SmallPieceLimit + 1];
        Span<int> pairRanks = stackalloc int[SmallPieceLimit];
        var byteRanks = ranks.ByteRanks;
        for (var i = 0; i < parts; i++)
        {
            starts[i] = i;
            ids[i] = byteRanks[piece[i]];
        }

        starts[parts] = piece.Length;
        for (var i = 0; i < parts - 1; i++)
        {
            pairRanks[i] = ranks.PairRank(piece[i], piece[i + 1]);
        }

        pairRanks[parts - 1] = RankTable.NoRank;
        while (true)
        {
            var best = RankTable.NoRank;
            var at = -1;
            for (var i = 0; i < parts - 1; i++)
            {
                if (pairRanks[i] < best)
                {
                    best = pairRanks[i];
                    at = i;
                }
            }

            if (at < 0)
            {
                return parts;
            }

            // Part `at` absorbs part `at + 1`: its id is the pair's rank; drop the absorbed part's entries.
            ids[at] = best;
            parts--;
            starts.Slice(at + 2, parts - at).CopyTo(starts[(at + 1)..]);
            pairRanks.Slice(at + 2, parts - at - 1).CopyTo(pairRanks[(at + 1)..]);
            ids.Slice(at + 2, parts - at - 1).CopyTo(ids[(at + 1)..]);
            pairRanks[at] = at + 1 < parts ? ranks.Rank(piece[starts[at]..starts[at + 2]]) : RankTable.NoRank;
            if (at > 0)
            {
                pairRanks[at - 1] = ranks.Rank(piece[starts[at - 1]..starts[at + 1]]);
            }
        }
    }

    /// <summary>
    /// Merges a piece of any length with the heap; writes its token ids to <paramref name="ids"/> (at least as long
    /// as the piece), returns how many. Buffers come from the stack for short pieces, from the pool otherwise.
    /// </summary>
    public static int MergeWithHeap(RankTable ranks, ReadOnlySpan<byte> piece, Span<int> ids)
    {
        var n = piece.Length;
        if (n <= SmallPieceLimit)
        {
            Span<int> links = stackalloc int[3 * SmallPieceLimit];
            Span<long> keys = stackalloc long[SmallPieceLimit];
            return new HeapMerge(ranks, piece, links[..(3 * n)], keys[..n]).Run(ids);
        }

        if (n > PooledPieceLimit)
        {
            // Adversarial sizes: plain arrays, so the pool does not keep hundreds of megabytes afterwards.
            return new HeapMerge(ranks, piece, GC.AllocateUninitializedArray<int>(3 * n), GC.AllocateUninitializedArray<long>(n)).Run(ids);
        }

        var rentedLinks = ArrayPool<int>.Shared.Rent(3 * n);
        var rentedKeys = ArrayPool<long>.Shared.Rent(n);
        try
        {
            return new HeapMerge(ranks, piece, rentedLinks.AsSpan(0, 3 * n), rentedKeys.AsSpan(0, n)).Run(ids);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rentedLinks);
            ArrayPool<long>.Shared.Return(rentedKeys);
        }
    }
}
