using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>One shared encoding (and its piece cache) used from many threads gives every thread the single-threaded answer.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Parallel_encoding_gives_the_same_ids_as_sequential_encoding()
    {
        var texts = MultilingualCorpus.Generate(400, seed: 3);
        var encoding = TiktokenEncoding.O200kBase;
        var expected = texts.Select(t => encoding.Encode(t)).ToArray();
        var failures = 0;

        Parallel.For(0, texts.Count * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var index = (i * 7919) % texts.Count;
            if (!encoding.Encode(texts[index]).AsSpan().SequenceEqual(expected[index]) || encoding.CountTokens(texts[index]) != expected[index].Length)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void The_encodings_load_once_whichever_thread_asks_first()
    {
        var seen = new TiktokenEncoding[16];
        Parallel.For(0, seen.Length, i => seen[i] = i % 2 == 0 ? TiktokenEncoding.O200kBase : TiktokenEncoding.Get(EncodingNames.O200kBase));

        Assert.All(seen, e => Assert.Same(TiktokenEncoding.O200kBase, e));
    }
}
