using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// The shipped rank data is exactly OpenAI's: rebuilt into the .tiktoken text format ("base64 rank\n" per token),
/// it hashes to the sha256 tiktoken pins in tiktoken_ext/openai_public.py. The packed form is read here on its own,
/// not with the loader the encoder uses, so a loader bug cannot hide behind itself.
/// </summary>
public sealed class RankDataTests
{
    [Theory]
    [InlineData(EncodingNames.O200kBase, "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", 199_998)]
    [InlineData(EncodingNames.Cl100kBase, "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", 100_256)]
    public void The_packed_data_rebuilds_the_tiktoken_file_with_the_official_hash(string name, string sha256, int tokens)
    {
        var packed = Unpack(name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var offset = 0;
        for (var rank = 0; rank < packed.Lengths.Length; rank++)
        {
            var token = packed.Bytes.AsSpan(offset, packed.Lengths[rank]);
            offset += token.Length;
            hash.AppendData(Encoding.ASCII.GetBytes($"{Convert.ToBase64String(token)} {rank}\n"));
        }

        Assert.Equal(tokens, packed.Lengths.Length);
        Assert.Equal(packed.Bytes.Length, offset);
        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Theory]
    [InlineData(EncodingNames.O200kBase)]
    [InlineData(EncodingNames.Cl100kBase)]
    public void Every_token_encodes_to_itself_and_decodes_to_its_bytes(string name)
    {
        var encoding = TiktokenEncoding.Get(name);
        var packed = Unpack(name);
        var ranks = RankTable.Load(TiktokenEncoding.OpenRankData(name));
        var offset = 0;
        for (var rank = 0; rank < packed.Lengths.Length; rank++)
        {
            var token = packed.Bytes.AsSpan(offset, packed.Lengths[rank]);
            offset += token.Length;
            Assert.Equal(rank, ranks.Rank(token));
            Assert.True(token.SequenceEqual(encoding.DecodeBytes([rank])), $"token {rank}");
        }

        Assert.Equal(packed.Lengths.Length, encoding.MergeableTokenCount);
        Assert.Equal(128, ranks.MaxTokenLength);
    }

    private sealed record Packed(byte[] Lengths, byte[] Bytes);

    private static Packed Unpack(string name)
    {
        using var compressed = TiktokenEncoding.OpenRankData(name);
        using var inflate = new BrotliStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var data = raw.ToArray();
        Assert.Equal("TKR1", Encoding.ASCII.GetString(data, 0, 4));
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        return new Packed(data[8..(8 + count)], data[(8 + count)..]);
    }
}
