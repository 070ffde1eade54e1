namespace ServerlessGateway.Tokenization;

/// <summary>
/// Remembers the BPE result of recently seen pieces that are not single tokens ("tokenization" → "token",
/// "ization"; "，我们" in CJK text). Direct-mapped and lossy: a new piece replaces whatever shared its slot. Each
/// entry is immutable and slots are replaced by one reference write, so readers need no lock.
/// </summary>
internal sealed class PieceCache
{
    /// <summary>Longer pieces are rare repeats (long words, long CJK runs) and would only churn the cache.</summary>
    public const int MaxPieceBytes = 32;

    private const int Slots = 1 << 15;

    private readonly Entry?[] entries = new Entry?[Slots];

    public int[]? Find(ReadOnlySpan<byte> piece, ulong hash)
    {
        var entry = Volatile.Read(ref entries[(int)hash & (Slots - 1)]);
        return entry is not null && entry.Hash == hash && entry.Piece.AsSpan().SequenceEqual(piece) ? entry.Ids : null;
    }

    public void Store(ReadOnlySpan<byte> piece, ulong hash, ReadOnlySpan<int> ids) =>
        Volatile.Write(ref entries[(int)hash & (Slots - 1)], new Entry(hash, piece.ToArray(), ids.ToArray()));

    private sealed class Entry(ulong hash, byte[] piece, int[] ids)
    {
        public ulong Hash { get; } = hash;

        public byte[] Piece { get; } = piece;

        public int[] Ids { get; } = ids;
    }
}
