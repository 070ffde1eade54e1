using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// A tiktoken encoding (o200k_base or cl100k_base): the same pieces, merges and token ids as OpenAI's tiktoken.
/// Text that is not valid Unicode (a lone surrogate, invalid UTF-8) is encoded as U+FFFD, as tiktoken does.
/// Special-token text such as <c>&lt;|endoftext|&gt;</c> is ordinary text unless special tokens are allowed.
/// Instances are immutable apart from a lock-free cache, and safe to use from any number of threads; the rank
/// data is loaded (and the instance built) once, on first use.
/// </summary>
public sealed partial class TiktokenEncoding
{
    private const int StackBufferBytes = 1024;
    private const int PooledTextBytes = 1 << 20;

    private static readonly Lazy<TiktokenEncoding> O200k = new(() => Load(
        EncodingNames.O200kBase,
        PreTokenizerKind.O200k,
        new Dictionary<string, int> { ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018 }));

    private static readonly Lazy<TiktokenEncoding> Cl100k = new(() => Load(
        EncodingNames.Cl100kBase,
        PreTokenizerKind.Cl100k,
        new Dictionary<string, int>
        {
            ["<|endoftext|>"] = 100257,
            ["<|fim_prefix|>"] = 100258,
            ["<|fim_middle|>"] = 100259,
            ["<|fim_suffix|>"] = 100260,
            ["<|endofprompt|>"] = 100276,
        }));

    private readonly RankTable ranks;
    private readonly PreTokenizerKind preTokenizer;
    private readonly (byte[] Text, int Id)[] specials;
    private readonly FrozenDictionary<int, byte[]> specialBytesById;
    private readonly PieceCache cache = new();

    private TiktokenEncoding(string name, RankTable ranks, PreTokenizerKind preTokenizer, Dictionary<string, int> specialTokens)
    {
        Name = name;
        this.ranks = ranks;
        this.preTokenizer = preTokenizer;
        SpecialTokens = specialTokens.ToFrozenDictionary(StringComparer.Ordinal);
        specials = [.. specialTokens.Select(s => (Encoding.UTF8.GetBytes(s.Key), s.Value))];
        specialBytesById = specialTokens.ToFrozenDictionary(s => s.Value, s => Encoding.UTF8.GetBytes(s.Key));
    }

    private enum PreTokenizerKind
    {
        O200k,
        Cl100k,
    }

    /// <summary>o200k_base: gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series.</summary>
    public static TiktokenEncoding O200kBase => O200k.Value;

    /// <summary>cl100k_base: gpt-4, gpt-3.5-turbo, text-embedding-ada-002 and text-embedding-3-*.</summary>
    public static TiktokenEncoding Cl100kBase => Cl100k.Value;

    public string Name { get; }

    /// <summary>The special tokens (text → id); they are only produced when allowed.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Number of ordinary (mergeable) tokens; their ids are 0..MergeableTokenCount-1.</summary>
    public int MergeableTokenCount => ranks.Count;

    /// <summary>The encoding called <paramref name="name"/> (see <see cref="EncodingNames"/>).</summary>
    public static TiktokenEncoding Get(string name) => name switch
    {
        EncodingNames.O200kBase => O200kBase,
        EncodingNames.Cl100kBase => Cl100kBase,
        _ => throw new ArgumentException($"Unknown encoding '{name}'; known: {EncodingNames.O200kBase}, {EncodingNames.Cl100kBase}.", nameof(name)),
    };

    public int CountTokens(ReadOnlySpan<char> text, bool allowSpecialTokens = false)
    {
        var sink = new CountingSink();
        EncodeText(text, allowSpecialTokens, ref sink);
        return sink.Count;
    }

    /// <summary>Counts the tokens of UTF-8 text (invalid sequences count as U+FFFD).</summary>
    public int CountTokens(ReadOnlySpan<byte> utf8, bool allowSpecialTokens = false)
    {
        var sink = new CountingSink();
        EncodeUtf8(utf8, allowSpecialTokens, ref sink);
        return sink.Count;
    }

    public int[] Encode(ReadOnlySpan<char> text, bool allowSpecialTokens = false)
    {
        var sink = new CollectingSink(text.Length / 3);
        try
        {
            EncodeText(text, allowSpecialTokens, ref sink);
            return sink.ToArray();
        }
        finally
        {
            sink.Dispose();
        }
    }

    public int[] Encode(ReadOnlySpan<byte> utf8, bool allowSpecialTokens = false)
    {
        var sink = new CollectingSink(utf8.Length / 4);
        try
        {
            EncodeUtf8(utf8, allowSpecialTokens, ref sink);
            return sink.ToArray();
        }
        finally
        {
            sink.Dispose();
        }
    }

    /// <summary>The bytes of the tokens (a token can be part of a UTF-8 sequence, so this is bytes, not text).</summary>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        var output = new ArrayBufferWriter<byte>(ids.Length * 4);
        foreach (var id in ids)
        {
            if ((uint)id < (uint)ranks.Count)
            {
                output.Write(ranks.TokenBytes(id));
            }
            else if (specialBytesById.TryGetValue(id, out var special))
            {
                output.Write(special);
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Not a token id of {Name}.");
            }
        }

        return output.WrittenSpan.ToArray();
    }

    public string Decode(ReadOnlySpan<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    private static TiktokenEncoding Load(string name, PreTokenizerKind preTokenizer, Dictionary<string, int> specialTokens)
    {
        using var data = OpenRankData(name);
        return new TiktokenEncoding(name, RankTable.Load(data), preTokenizer, specialTokens);
    }

    /// <summary>The embedded, Brotli-packed rank data of an encoding (Data/README.md).</summary>
    internal static Stream OpenRankData(string name)
    {
        var resource = $"ServerlessGateway.Tokenization.Data.{name}.ranks.br";
        return typeof(TiktokenEncoding).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing from the build.");
    }
}
