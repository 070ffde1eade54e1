using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.Tests.Caching.Semantic;

public sealed class SemanticGuardTests
{
    public static TheoryData<string, string> SameRequests => new()
    {
        { "How do I reset my password?", "how can I reset my password" },
        { "What is the capital of France?", "What's the capital city of France?" },
        { "Summarise this article in three bullet points", "Summarise this article in 3 bullet points" },
        { "Explain how HTTP caching works", "Explain how caching in HTTP works" },
        { "Flights from Paris to Rome next week", "Next week, flights from Paris to Rome" },
        { "Compare Python, Java and Go for web servers", "Compare Go, Java and Python for web servers" },
        { "I don't like spinach, what else is healthy?", "I do not like spinach; what else is healthy?" },
        { "It isn\u2019t working", "it isn't working" },
        { "Convert 1,000 dollars to euros", "convert 1000 dollars into euros" },
        { "Is 3.50 a fair price?", "is 3.5 a fair price" },
        { "Write twenty five words about rain", "Write 25 words about rain" },
        { "Why has the server stopped?", "why did the server stop" },
    };

    public static TheoryData<string, string, string> DifferentRequests => new()
    {
        { "Should I use a VPN at home?", "Should I not use a VPN at home?", GuardReasons.Negation },
        { "I want cookies with my coffee", "I don't want cookies with my coffee", GuardReasons.Negation },
        { "I want cookies with my coffee", "I don\u2019t want cookies with my coffee", GuardReasons.Negation },
        { "Recipes without sugar", "Recipes with sugar", GuardReasons.Negation },
        { "Give me 5 ideas for a birthday party", "Give me 10 ideas for a birthday party", GuardReasons.Numbers },
        { "Book two tickets for the concert", "Book three tickets for the concert", GuardReasons.Numbers },
        { "What changed in version 3.11?", "What changed in version 3.12?", GuardReasons.Numbers },
        { "What is the population of Canada?", "What is the population of Australia?", GuardReasons.Entities },
        { "Translate \"good morning\" to Spanish", "Translate \"good night\" to Spanish", GuardReasons.Entities },
        { "What does the config_file setting do?", "What does the config_path setting do?", GuardReasons.Entities },
        { "Open src/app/main.ts and explain it", "Open src/app/util.ts and explain it", GuardReasons.Entities },
        { "turn on the lights in the kitchen", "turn off the lights in the kitchen", GuardReasons.Polarity },
        { "How do I enable dark mode?", "How do I disable dark mode?", GuardReasons.Polarity },
        { "Why was the upload so slow?", "Why was the download so slow?", GuardReasons.Polarity },
        { "Is it better to buy or rent a flat?", "Is it worse to buy or rent a flat?", GuardReasons.Polarity },
        { "the server stopped after the update", "the server started after the update", GuardReasons.Polarity },
        { "sorting", "sorting a linked list in place with merge sort and little memory", GuardReasons.Length },
        { "flights from New York to Florida", "flights from Florida to New York", GuardReasons.Order },
        { "Alice sent money to Bob yesterday", "Bob sent money to Alice yesterday", GuardReasons.Order },
        { "convert kilograms to pounds", "convert pounds to kilograms", GuardReasons.Order },
    };

    [Theory]
    [MemberData(nameof(SameRequests))]
    public void Rewordings_of_one_request_agree(string query, string cached)
    {
        Assert.Equal(GuardVerdict.Agree, SemanticGuard.Check(query, cached));
        Assert.Equal(GuardVerdict.Agree, SemanticGuard.Check(cached, query));
    }

    [Theory]
    [MemberData(nameof(DifferentRequests))]
    public void Requests_that_differ_in_a_detail_disagree_with_the_reason(string query, string cached, string reason)
    {
        Assert.Equal(GuardVerdict.Disagree(reason), SemanticGuard.Check(query, cached));
        Assert.Equal(GuardVerdict.Disagree(reason), SemanticGuard.Check(cached, query));
    }

    [Fact]
    public void Identical_texts_agree()
    {
        const string text = "From 2019 to 2021, \"Project X\" moved from v1.2 to v2.0 without NOT-NULL columns.";

        Assert.True(SemanticGuard.Check(text, text).Agrees);
    }

    [Fact]
    public void Names_match_whatever_their_case()
    {
        Assert.True(SemanticGuard.Check("best place to learn Python in Hyderabad", "Best place to learn python in hyderabad").Agrees);
    }

    [Fact]
    public void A_long_prompt_is_checked_in_bounded_time()
    {
        // The order check compares shared words pairwise; a long prompt must not make it cubic.
        var words = Enumerable.Range(0, 5_000).Select(i => "word" + (char)('a' + (i % 26)) + (char)('a' + (i / 26 % 26)) + (char)('a' + (i / 676 % 26)));
        var text = string.Join(' ', words);
        var reversed = string.Join(' ', words.Reverse());
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        _ = SemanticGuard.Check(text, reversed);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), stopwatch.Elapsed.ToString());
    }
}
