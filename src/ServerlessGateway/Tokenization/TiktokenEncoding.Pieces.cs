using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ServerlessGateway.Tokenization;

/// <summary>The encoding loop: text to UTF-8, special tokens, pieces, then a lookup, the cache or a merge per piece.</summary>
public sealed partial class TiktokenEncoding
{
    private void EncodeText<TSink>(ReadOnlySpan<char> text, bool allowSpecialTokens, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        // Encoding.UTF8 writes U+FFFD for a lone surrogate, which is what tiktoken encodes for one.
        var size = text.Length <= StackBufferBytes / 3 ? text.Length * 3 : Encoding.UTF8.GetByteCount(text);
        if (size > PooledTextBytes)
        {
            // Huge texts get a plain array, so the pool does not keep it afterwards.
            var utf8 = GC.AllocateUninitializedArray<byte>(size);
            EncodeValidUtf8(utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8)), allowSpecialTokens, ref sink);
            return;
        }

        byte[]? rented = null;
        var buffer = size <= StackBufferBytes ? stackalloc byte[StackBufferBytes] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            EncodeValidUtf8(buffer[..length], allowSpecialTokens, ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void EncodeUtf8<TSink>(ReadOnlySpan<byte> utf8, bool allowSpecialTokens, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        if (Utf8.IsValid(utf8))
        {
            EncodeValidUtf8(utf8, allowSpecialTokens, ref sink);
        }
        else
        {
            EncodeText(Encoding.UTF8.GetString(utf8), allowSpecialTokens, ref sink);
        }
    }

    private void EncodeValidUtf8<TSink>(ReadOnlySpan<byte> utf8, bool allowSpecialTokens, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        if (!allowSpecialTokens)
        {
            EncodeOrdinary(utf8, ref sink);
            return;
        }

        // Like tiktoken: the text between special tokens is encoded on its own (the pattern sees its end there).
        while (FindSpecial(utf8, out var at, out var special))
        {
            EncodeOrdinary(utf8[..at], ref sink);
            sink.Add(special.Id);
            utf8 = utf8[(at + special.Text.Length)..];
        }

        EncodeOrdinary(utf8, ref sink);
    }

    private bool FindSpecial(ReadOnlySpan<byte> utf8, out int at, out (byte[] Text, int Id) special)
    {
        var offset = 0;
        while (true)
        {
            var open = utf8[offset..].IndexOf("<|"u8);
            if (open < 0)
            {
                at = -1;
                special = default;
                return false;
            }

            at = offset + open;
            foreach (var candidate in specials)
            {
                if (utf8[at..].StartsWith(candidate.Text))
                {
                    special = candidate;
                    return true;
                }
            }

            offset = at + 1;
        }
    }

    private void EncodeOrdinary<TSink>(ReadOnlySpan<byte> utf8, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        if (preTokenizer == PreTokenizerKind.O200k)
        {
            EncodeOrdinary<O200kPreTokenizer, TSink>(utf8, ref sink);
        }
        else
        {
            EncodeOrdinary<Cl100kPreTokenizer, TSink>(utf8, ref sink);
        }
    }

    private void EncodeOrdinary<TPreTokenizer, TSink>(ReadOnlySpan<byte> utf8, ref TSink sink)
        where TPreTokenizer : struct, IPreTokenizer
        where TSink : struct, ITokenSink
    {
        Span<int> scratch = stackalloc int[BytePairMerge.SmallPieceLimit];
        var byteRanks = ranks.ByteRanks;
        var position = 0;
        while (position < utf8.Length)
        {
            var end = TPreTokenizer.NextPieceEnd(utf8, position);
            var piece = utf8[position..end];
            position = end;
            if (piece.Length == 1)
            {
                sink.Add(byteRanks[piece[0]]);
                continue;
            }

            if (piece.Length > BytePairMerge.SmallPieceLimit)
            {
                // Longer than any token (at most 128 bytes in both encodings): straight to the heap merge.
                EncodeLongPiece(piece, ref sink);
                continue;
            }

            var hash = RankTable.Hash(piece);
            if (piece.Length <= ranks.MaxTokenLength && ranks.Rank(piece, hash) is var rank && rank != RankTable.NoRank)
            {
                // tiktoken looks the whole piece up first; BPE could split some tokens differently.
                sink.Add(rank);
                continue;
            }

            var cacheable = piece.Length <= PieceCache.MaxPieceBytes;
            if (cacheable && cache.Find(piece, hash) is { } cached)
            {
                sink.Add(cached);
                continue;
            }

            var count = BytePairMerge.Merge(ranks, piece, scratch);
            if (cacheable)
            {
                cache.Store(piece, hash, scratch[..count]);
            }

            sink.Add(scratch[..count]);
        }
    }

    private void EncodeLongPiece<TSink>(ReadOnlySpan<byte> piece, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        if (piece.Length > 1 << 16)
        {
            // Adversarial sizes: a plain array, so the pool does not keep it afterwards.
            var ids = GC.AllocateUninitializedArray<int>(piece.Length);
            sink.Add(ids.AsSpan(0, BytePairMerge.MergeWithHeap(ranks, piece, ids)));
            return;
        }

        var rented = ArrayPool<int>.Shared.Rent(piece.Length);
        try
        {
            sink.Add(rented.AsSpan(0, BytePairMerge.MergeWithHeap(ranks, piece, rented)));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }
}
