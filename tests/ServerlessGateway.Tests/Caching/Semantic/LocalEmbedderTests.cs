using System.Numerics.Tensors;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class LocalEmbedderTests
{
    // "turn off the lights": 4 words, 3 word pairs and 30 character grams (none for "the"), one collision.
    private const int PinnedNonZeroCount = 36;
    private const int PinnedChecksum = -1360;

    private readonly LocalEmbedder embedder = new();

    [Fact]
    public async Task Vectors_are_unit_length_and_named_local()
    {
        var vector = await embedder.EmbedAsync("How do I rotate an API key?", TestContext.Current.CancellationToken);

        Assert.Equal(EmbedderNames.Local, embedder.Name);
        Assert.NotNull(vector);
        Assert.Equal(embedder.Dimensions, vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(vector), 4);
    }

    [Fact]
    public void The_same_text_gives_the_same_vector_in_any_instance()
    {
        var first = new LocalEmbedder().Embed("Which regions does the gateway deploy to?");
        var second = new LocalEmbedder().Embed("Which regions does the gateway deploy to?");

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_hash_is_pinned_so_stored_vectors_match_other_processes()
    {
        // A vector stored by one process is compared with a query embedded by another (or by the next version):
        // the features must hash the same everywhere. If this fails, the embedding changed: rename the embedder.
        var vector = embedder.Embed("turn off the lights")!;
        var nonZero = Enumerable.Range(0, vector.Length).Where(i => vector[i] != 0).ToArray();

        Assert.Equal(256, vector.Length);
        Assert.Equal(PinnedNonZeroCount, nonZero.Length);
        // Which dimensions are set, and their signs: integers, so no floating-point rounding can move them.
        Assert.Equal(PinnedChecksum, nonZero.Sum(i => (i + 1) * Math.Sign(vector[i])));
    }

    [Fact]
    public void Case_punctuation_and_spacing_do_not_matter()
    {
        var a = embedder.Embed("What is the capital of France?")!;
        var b = embedder.Embed("  what is the CAPITAL of france  ")!;

        Assert.True(TensorPrimitives.Dot(a, b) > 0.999f);
    }

    [Fact]
    public void A_reworded_question_is_closer_than_an_unrelated_one()
    {
        var question = embedder.Embed("How can I reset my account password?")!;
        var reworded = embedder.Embed("how to reset the password of my account")!;
        var unrelated = embedder.Embed("Recommend a good pasta recipe for dinner")!;

        var close = TensorPrimitives.Dot(question, reworded);
        var far = TensorPrimitives.Dot(question, unrelated);

        Assert.True(close > 0.6f, $"reworded: {close}");
        Assert.True(far < 0.3f, $"unrelated: {far}");
    }

    [Fact]
    public void Inflections_share_character_grams()
    {
        var withGrams = embedder.Embed("learning python")!;
        var wordsOnly = new LocalEmbedder(new LocalEmbedderOptions { CharGramWeight = 0 });

        var grams = TensorPrimitives.Dot(withGrams, embedder.Embed("learn python")!);
        var words = TensorPrimitives.Dot(wordsOnly.Embed("learning python")!, wordsOnly.Embed("learn python")!);

        Assert.True(grams > words + 0.1f, $"with char-grams {grams}, words only {words}");
    }

    [Fact]
    public void Word_pairs_make_order_count()
    {
        var a = embedder.Embed("dog bites man")!;
        var b = embedder.Embed("man bites dog")!;

        Assert.True(TensorPrimitives.Dot(a, b) < 0.95f);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!... ---")]
    public void Text_without_words_has_no_vector(string text)
    {
        Assert.Null(embedder.Embed(text));
    }

    [Fact]
    public void Any_script_is_embedded()
    {
        var a = embedder.Embed("東京の天気はどうですか")!;
        var b = embedder.Embed("東京の天気は")!;

        Assert.True(TensorPrimitives.Dot(a, b) > 0.3f);
    }

    [Fact]
    public void The_dimension_option_is_respected()
    {
        var wide = new LocalEmbedder(new LocalEmbedderOptions { Dimensions = 1024 });

        Assert.Equal(1024, wide.Embed("hello world")!.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalEmbedder(new LocalEmbedderOptions { Dimensions = 4 }));
    }
}
