using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Selection;
using static ServerlessGateway.Tests.Routing.Selection.SelectionRig;

namespace ServerlessGateway.Tests.Routing.Selection;

public sealed class CanarySplitTests
{
    private const string Body = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void A_random_split_gives_the_canary_its_share_of_ten_thousand_draws()
    {
        var split = new CanarySplit("gpt-4o", "gpt-4.1", 10, CanaryStickiness.None);
        var random = new SeededRandom(20261121);
        var input = Input(Chat(Body));

        var canary = Enumerable.Range(0, 10_000).Count(_ => split.Draw(input, random).Canary);

        Assert.InRange(canary, 900, 1100); // 10% ± 3.3 standard deviations
    }

    [Fact]
    public void A_user_always_gets_the_same_variant_whatever_the_random_source_says()
    {
        var split = new CanarySplit("gpt-4o", "gpt-4.1", 50, CanaryStickiness.User);
        var random = new SeededRandom(7);

        foreach (var user in Enumerable.Range(0, 50).Select(i => $"user-{i}"))
        {
            var input = Input(Chat(Body), Caller(user: user));
            var first = split.Draw(input, random);
            Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(first, split.Draw(input, random)));
            Assert.Equal("sticky user", first.How);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(2.5)]
    public void About_percent_of_distinct_users_get_the_canary(double percent)
    {
        var split = new CanarySplit("gpt-4o", "gpt-4.1", percent, CanaryStickiness.User);

        var canary = Users(10_000).Count(user => split.Draw(UserInput(user), new FixedRandom(0)).Canary);

        Assert.InRange(canary, (percent - 1.5) * 100, (percent + 1.5) * 100);
    }

    [Fact]
    public void Raising_percent_from_10_to_20_keeps_every_canary_user_on_the_canary()
    {
        var at10 = new CanarySplit("gpt-4o", "gpt-4.1", 10, CanaryStickiness.User);
        var at20 = new CanarySplit("gpt-4o", "gpt-4.1", 20, CanaryStickiness.User);
        var users = Users(5_000).ToList();

        var before = users.Where(u => at10.Draw(UserInput(u), new FixedRandom(0)).Canary).ToHashSet();
        var after = users.Where(u => at20.Draw(UserInput(u), new FixedRandom(0)).Canary).ToHashSet();

        Assert.Subset(after, before);
        Assert.InRange(after.Count - before.Count, 350, 650); // about another 10% joined; nobody left
    }

    [Fact]
    public void The_sticky_user_is_the_bodys_user_else_the_keys_user_else_the_key()
    {
        // At 7% (buckets below 700): "u-9" is in bucket 834, "ada" in 597, "cfg:app" in 6155.
        var split = new CanarySplit("gpt-4o", "gpt-4.1", 7, CanaryStickiness.User);
        var bodyUser = Chat("""{"model":"gpt-4o","user":"u-9","messages":[{"role":"user","content":"hi"}]}""");

        Assert.False(split.Draw(Input(bodyUser, Caller(user: "ada")), new FixedRandom(0)).Canary);
        Assert.True(split.Draw(Input(Chat(Body), Caller(user: "ada")), new FixedRandom(0)).Canary);
        Assert.False(split.Draw(Input(Chat(Body), Caller(key: "app")), new FixedRandom(0)).Canary);
    }

    [Fact]
    public void A_conversation_split_uses_the_header_then_metadata_and_falls_back_to_random()
    {
        var split = new CanarySplit("gpt-4o", "gpt-4.1", 10, CanaryStickiness.Conversation);
        var withMetadata = Chat("""{"model":"gpt-4o","metadata":{"conversation_id":"c-1"},"messages":[{"role":"user","content":"hi"}]}""");
        var header = new Dictionary<string, string> { [SelectionInput.ConversationHeader] = "c-2" };

        // At 10%: "c-1" is in bucket 968 (canary), "c-2" in 9533 (control).
        Assert.Equal((false, "sticky conversation"), split.Draw(Input(withMetadata, headers: header), new FixedRandom(0)));
        Assert.Equal((true, "sticky conversation"), split.Draw(Input(withMetadata), new FixedRandom(0)));
        Assert.Equal((true, "random: no conversation id"), split.Draw(Input(Chat(Body)), new FixedRandom(0.05)));
        Assert.Equal((false, "random: no conversation id"), split.Draw(Input(Chat(Body)), new FixedRandom(0.5)));
    }

    [Theory]
    [InlineData(CanaryStickiness.None)]
    [InlineData(CanaryStickiness.User)]
    public void Zero_percent_never_and_a_hundred_always_serve_the_canary(string stickyBy)
    {
        var none = new CanarySplit("gpt-4o", "gpt-4.1", 0, stickyBy);
        var all = new CanarySplit("gpt-4o", "gpt-4.1", 100, stickyBy);
        var random = new SeededRandom(3);

        Assert.All(Users(2_000), u => Assert.False(none.Draw(UserInput(u), random).Canary));
        Assert.All(Users(2_000), u => Assert.True(all.Draw(UserInput(u), random).Canary));
    }

    [Fact]
    public void Buckets_are_a_stable_function_of_model_and_user()
    {
        // Values from an independent implementation (FNV-1a 64 over UTF-16 code units, then MurmurHash3's
        // finaliser): every instance and every version must agree, or users would change variants on deploy.
        Assert.Equal(2448, CanarySplit.Bucket("gpt-4o", "user-1"));
        Assert.Equal(7154, CanarySplit.Bucket("gpt-4o", "user-2"));
        Assert.Equal(468, CanarySplit.Bucket("gpt-4.1", "user-1"));
    }

    private static IEnumerable<string> Users(int count) => Enumerable.Range(0, count).Select(i => $"user-{i}");

    private static SelectionInput UserInput(string user) => Input(Chat(Body), Caller(user: user));
}
