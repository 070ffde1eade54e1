using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// The mergeable ranks of one encoding: token bytes ↔ rank (the rank is also the token id). Lookups are by byte
/// span in an open-addressing table of 4-byte slots: rank + 1 in the high bits and as many hash bits as are left
/// below it (14 for o200k), so a miss (most pair probes during BPE) is nearly always decided without touching the
/// token bytes, and the table for 200k tokens takes 2 MB. Immutable after loading, so safe to share between threads.
/// </summary>
internal sealed class RankTable
{
    public const int NoRank = int.MaxValue;

    private const uint Magic = 0x31524B54; // "TKR1" little endian

    private readonly byte[] tokenBytes;
    private readonly int[] offsets;
    private readonly uint[] slots;
    private readonly int shift;
    private readonly int checkBits;
    private readonly uint checkMask;
    private readonly int[] pairRanks = new int[65536];

    private RankTable(byte[] tokenBytes, int[] offsets)
    {
        this.tokenBytes = tokenBytes;
        this.offsets = offsets;
        Count = offsets.Length - 1;

        var bits = 1;
        while ((1 << bits) < Count * 2)
        {
            bits++;
        }

        shift = 64 - bits;
        slots = new uint[1 << bits];
        checkBits = BitOperations.LeadingZeroCount((uint)Count + 1); // what rank + 1 leaves free
        checkMask = (1u << checkBits) - 1;
        Array.Fill(pairRanks, NoRank);
        for (var rank = 0; rank < Count; rank++)
        {
            Insert(rank);
            MaxTokenLength = Math.Max(MaxTokenLength, offsets[rank + 1] - offsets[rank]);
        }

        for (var b = 0; b < ByteRanks.Length; b++)
        {
            ByteRanks[b] = Rank([(byte)b]);
            if (ByteRanks[b] == NoRank)
            {
                throw new InvalidDataException($"The rank data has no token for the byte {b}.");
            }
        }
    }

    /// <summary>Number of mergeable tokens (ids 0..Count-1).</summary>
    public int Count { get; }

    /// <summary>The longest token, in bytes (128 in both encodings): a longer piece is never one token.</summary>
    public int MaxTokenLength { get; }

    /// <summary>The id of each single byte: every byte is a token in tiktoken's encodings.</summary>
    public int[] ByteRanks { get; } = new int[256];

    /// <summary>
    /// Loads the packed form written by eng/tokenizer/pack-ranks.js (see Data/README.md), decompressing
    /// straight into arrays of their final size: a growing buffer would leave ~8 MB of large-object garbage
    /// that the process keeps as resident memory long after loading.
    /// </summary>
    public static RankTable Load(Stream brotli)
    {
        using var data = new BrotliStream(brotli, CompressionMode.Decompress, leaveOpen: true);
        Span<byte> header = stackalloc byte[8];
        data.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new InvalidDataException("The rank data does not start with TKR1.");
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var lengths = new byte[count];
        data.ReadExactly(lengths);
        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] = offsets[i] + lengths[i];
        }

        var bytes = new byte[offsets[count]];
        data.ReadExactly(bytes);
        if (data.Read(header) != 0)
        {
            throw new InvalidDataException($"The rank data holds more token bytes than its lengths add up to ({offsets[count]}).");
        }

        return new RankTable(bytes, offsets);
    }

    /// <summary>The bytes of token <paramref name="rank"/>.</summary>
    public ReadOnlySpan<byte> TokenBytes(int rank) => tokenBytes.AsSpan(offsets[rank], offsets[rank + 1] - offsets[rank]);

    /// <summary>The rank of a two-byte sequence, or <see cref="NoRank"/> (a table: BPE starts with these).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PairRank(byte first, byte second) => pairRanks[(first << 8) | second];

    /// <summary>The rank of <paramref name="bytes"/>, or <see cref="NoRank"/>.</summary>
    public int Rank(ReadOnlySpan<byte> bytes) => Rank(bytes, Hash(bytes));

    /// <summary>The rank of <paramref name="bytes"/> whose <see cref="Hash"/> is <paramref name="hash"/>, or <see cref="NoRank"/>.</summary>
    public int Rank(ReadOnlySpan<byte> bytes, ulong hash)
    {
        var check = (uint)hash & checkMask;
        var mask = slots.Length - 1;
        var index = (int)(hash >> shift);
        while (true)
        {
            var slot = slots[index];
            if (slot == 0)
            {
                return NoRank;
            }

            if ((slot & checkMask) == check)
            {
                var rank = (int)(slot >> checkBits) - 1;
                var start = offsets[rank];
                if (offsets[rank + 1] - start == bytes.Length && tokenBytes.AsSpan(start, bytes.Length).SequenceEqual(bytes))
                {
                    return rank;
                }
            }

            index = (index + 1) & mask;
        }
    }

    /// <summary>
    /// A 64-bit hash of a short byte span: 8-byte words mixed multiplicatively (the tail read as two overlapping
    /// words, or three bytes), then finalised. Fast for the 1–20 byte pieces that dominate; good enough spread
    /// for the table's high bits and the cache's low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K1 = 0x9E3779B97F4A7C15, K2 = 0xBF58476D1CE4E5B9;
        var length = bytes.Length;
        var h = (ulong)length * K1;
        var i = 0;
        for (; length - i > 8; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * K2;
            h ^= h >> 29;
        }

        var rest = length - i;
        ulong tail;
        if (rest >= 4)
        {
            tail = BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes[(length - 4)..]) << 32);
        }
        else if (rest > 0)
        {
            tail = bytes[i] | ((ulong)bytes[i + (rest >> 1)] << 8) | ((ulong)bytes[length - 1] << 16);
        }
        else
        {
            tail = 0;
        }

        h = (h ^ tail) * K2;
        h ^= h >> 32;
        h *= K1;
        return h ^ (h >> 29);
    }

    private void Insert(int rank)
    {
        var bytes = TokenBytes(rank);
        if (Rank(bytes) != NoRank)
        {
            throw new InvalidDataException($"The rank data has the bytes of token {rank} twice.");
        }

        var hash = Hash(bytes);
        var mask = slots.Length - 1;
        var index = (int)(hash >> shift);
        while (slots[index] != 0)
        {
            index = (index + 1) & mask;
        }

        slots[index] = ((uint)(rank + 1) << checkBits) | ((uint)hash & checkMask);
        if (bytes.Length == 2)
        {
            pairRanks[(bytes[0] << 8) | bytes[1]] = rank;
        }
    }
}
