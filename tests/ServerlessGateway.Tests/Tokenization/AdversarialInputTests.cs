using System.Diagnostics;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// Inputs that make regex engines backtrack and naive BPE go quadratic (tiktoken itself takes hours on some) are
/// counted in bounded time: the pre-tokenizers are single forward passes and long pieces merge in O(n log n). The
/// bound is generous (the test machines are shared); the typical time is in docs/BENCHMARKS.md.
/// </summary>
public sealed class AdversarialInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> Inputs => new()
    {
        { "10 MB of one letter", "a" },
        { "10 MB of spaces", " " },
        { "10 MB of one punctuation mark", "!" },
        { "10 MB of tab-space pairs before a word", "\t " },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Ten_megabytes_are_counted_in_bounded_time(string name, string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, 10_000_000 / unit.Length)) + "x";
        var stopwatch = Stopwatch.StartNew();

        var count = TiktokenEncoding.O200kBase.CountTokens(text);

        Assert.True(stopwatch.Elapsed < Bound, $"{name}: {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.InRange(count, 1, text.Length);
    }

    [Fact]
    public void A_long_run_of_one_letter_merges_exactly_like_a_short_one()
    {
        // 204 a's give 25 tokens of eight a's and one of four (EncodingVectorTests, from the reference); leftmost-first
        // merging makes every further eight a's one more token, however long the run.
        var encoding = TiktokenEncoding.O200kBase;
        var eight = encoding.Encode("aaaaaaaa").Single();

        var ids = encoding.Encode(new string('a', 1_000_000));

        Assert.Equal(125_000, ids.Length);
        Assert.All(ids, id => Assert.Equal(eight, id));
    }

    [Fact]
    public void Pathological_whitespace_round_trips_through_the_heap_merge()
    {
        var text = string.Concat(Enumerable.Repeat(" \t\u3000 \n\u00A0", 50_000)) + "end";

        foreach (var encoding in new[] { TiktokenEncoding.O200kBase, TiktokenEncoding.Cl100kBase })
        {
            Assert.Equal(text, encoding.Decode(encoding.Encode(text)));
        }
    }
}
