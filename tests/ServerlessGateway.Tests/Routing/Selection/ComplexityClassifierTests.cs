using System.Text.Json.Nodes;
using ServerlessGateway.Routing.Selection;
using static ServerlessGateway.Tests.Routing.Selection.SelectionRig;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>The auto model's decision table: which tier a request lands in, with the built-in rules and with written ones.</summary>
public sealed class ComplexityClassifierTests
{
    private const string Prose = "The committee reviewed the quarterly figures and agreed to revisit the budget next month. ";

    private static readonly AutoRouting BuiltIn = Compile($$"""
        { "Gateway": { "Providers": { "mock": { "Type": "mock" } },
          "Models": { {{MockModels("small", "medium", "large", "thinker")}} },
          "Routing": { "Auto": { "Tiers": { "simple": "small", "standard": "medium", "complex": "large", "reasoning": "thinker" } } } } }
        """).Auto!;

    public static TheoryData<string, string, string> BuiltInRows => new()
    {
        { "a short question", Body(User("What's the capital of France?")), "simple" },
        { "medium-length prose matches no rule", Body(User(Repeat(Prose, 90))), "standard" },
        { "a long prompt", Body(User(Repeat(Prose, 300))), "complex" },
        { "a fenced snippet", Body(User("Why does this fail?\n```python\nprint(1/0)\n```")), "standard" },
        { "a fence the SDK escaped as \\u0060", Body(User("Fix it:\n```js\nx()\n```")).Replace("```", "\\u0060\\u0060\\u0060", StringComparison.Ordinal), "standard" },
        { "code without fences", Body(User("def total(items):\n    return sum(i.price for i in items)\nwhy is this slow?")), "standard" },
        { "C# without fences", Body(User("public static void Main() {\n  Console.WriteLine(1);\n}")), "standard" },
        { "code six messages into a conversation", Body(Conversation(6, "still failing:\n```\nnull reference\n```")), "complex" },
        { "tools offered", Body(User("What's the weather in Paris?"), tools: true), "standard" },
        { "an image part", Body(ImageMessage("What is in this picture?")), "standard" },
        { "a reasoning keyword", Body(User("Prove that the square root of 2 is irrational.")), "reasoning" },
        { "a keyword phrase in another case", Body(User("Walk me through it Step By Step, please.")), "reasoning" },
        { "a keyword inside another word does not count", Body(User("Can you improve this sentence?")), "simple" },
        { "a keyword only in an earlier user message", Body(Conversation(4, "thanks!", earlier: "prove it")), "simple" },
        { "a keyword in a text content part", Body(ImageMessage("derive the formula shown")), "reasoning" },
        { "a keyword beats length (rule order)", Body(User(Repeat(Prose, 300) + " Now prove the claim.")), "reasoning" },
        { "a deep conversation of short messages", Body(Conversation(12, "ok, and then?")), "standard" },
        { "prose about functions is not code", Body(User("What is the function of the liver (in short)?")), "simple" },
    };

    [Theory]
    [MemberData(nameof(BuiltInRows))]
    public void The_built_in_rules_pick_the_tier(string description, string body, string tier)
    {
        var choice = BuiltIn.Classify(new ComplexitySignals(Chat(body), Tokens));

        Assert.True(tier == choice.Tier, $"{description}: expected {tier}, got {choice.Tier} ({choice.Why})");
        Assert.Equal(BuiltIn.Tiers[tier], choice.Model);
    }

    [Fact]
    public void A_long_prompt_says_how_long_it_was_and_the_threshold()
    {
        var choice = BuiltIn.Classify(new ComplexitySignals(Chat(Body(User(Repeat(Prose, 300)))), Tokens));

        Assert.Equal("complex", choice.Tier);
        Assert.Matches(@"^prompt \d{1,3}(,\d{3})+ tokens >= 4,000$", choice.Why);
    }

    [Fact]
    public void Built_in_rules_for_tiers_that_are_not_configured_are_left_out()
    {
        var twoTiers = Compile($$"""
            { "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small", "large")}} },
              "Routing": { "Auto": { "Tiers": { "simple": "small", "complex": "large" }, "DefaultTier": "complex" } } } }
            """).Auto!;

        Assert.DoesNotContain(twoTiers.Rules, r => r.Tier is "standard" or "reasoning");
        Assert.Equal("complex", twoTiers.Classify(new ComplexitySignals(Chat(Body(User("Prove it, but briefly: " + Repeat(Prose, 60)))), Tokens)).Tier);
        Assert.Equal("simple", twoTiers.Classify(new ComplexitySignals(Chat(Body(User("prove it"))), Tokens)).Tier);
    }

    private static readonly AutoRouting Written = Compile($$"""
        { "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small", "medium", "large")}} },
          "Routing": { "Auto": {
            "Tiers": { "simple": "small", "standard": "medium", "complex": "large" },
            "DefaultTier": "standard",
            "Rules": [
              { "Tier": "complex", "When": { "HasCode": true, "MinMessages": 3 } },
              { "Tier": "simple", "When": { "HasCode": false, "MaxPromptTokens": 40 } },
              { "Tier": "complex", "When": { "KeywordsAny": [ "architecture" ] } },
              { "Tier": "simple", "When": { "KeywordsAny": [ "architecture", "hello" ] } },
              { "Tier": "complex", "When": { "HasTools": true, "HasImages": true } }
            ] } } } }
        """).Auto!;

    public static TheoryData<string, string, string> WrittenRows => new()
    {
        { "every condition of a rule must hold: code alone is not enough", Body(User("```\nx\n```")), "standard" },
        { "code and depth together match the first rule", Body(Conversation(3, "```\nx\n```")), "complex" },
        { "HasCode false with a short prompt", Body(User("hello")), "simple" },
        { "when two rules match, the earlier wins", Body(User(Repeat("Tell me about the architecture of cathedrals. ", 8))), "complex" },
        { "tools without images do not match a rule asking for both", Body(User(Repeat(Prose, 10)), tools: true), "standard" },
        { "tools and images together do", Body(ImageMessage(Repeat(Prose, 10)), tools: true), "complex" },
        { "nothing matches: the DefaultTier", Body(User(Repeat(Prose, 10))), "standard" },
    };

    [Theory]
    [MemberData(nameof(WrittenRows))]
    public void Written_rules_are_evaluated_in_order(string description, string body, string tier)
    {
        var choice = Written.Classify(new ComplexitySignals(Chat(body), Tokens));

        Assert.True(tier == choice.Tier, $"{description}: expected {tier}, got {choice.Tier} ({choice.Why})");
    }

    [Fact]
    public void The_reason_names_each_condition_of_the_matching_rule()
    {
        Assert.Equal("code, 3 messages >= 3", Written.Classify(new ComplexitySignals(Chat(Body(Conversation(3, "```\nx\n```"))), Tokens)).Why);
        Assert.Equal("keyword 'architecture'", Written.Classify(new ComplexitySignals(Chat(Body(User(Repeat("Explain the architecture. ", 10)))), Tokens)).Why);
        Assert.Equal("default", Written.Classify(new ComplexitySignals(Chat(Body(User(Repeat(Prose, 10)))), Tokens)).Why);
    }

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    private static JsonArray User(string text) => [new JsonObject { ["role"] = "user", ["content"] = text }];

    /// <summary><paramref name="count"/> messages alternating user and assistant, ending with the user's <paramref name="last"/>.</summary>
    private static JsonArray Conversation(int count, string last, string earlier = "tell me more")
    {
        var messages = new JsonArray();
        for (var i = count - 1; i >= 0; i--)
        {
            var role = i % 2 == 0 ? "user" : "assistant";
            messages.Add(new JsonObject { ["role"] = role, ["content"] = i == 0 ? last : role == "user" ? earlier : "Sure." });
        }

        return messages;
    }

    private static JsonArray ImageMessage(string text) =>
    [
        new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = text },
                new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "https://example.com/cat.png" } }),
        },
    ];

    private static string Body(JsonArray messages, bool tools = false)
    {
        var body = new JsonObject { ["model"] = "auto", ["messages"] = messages };
        if (tools)
        {
            body["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["parameters"] = new JsonObject { ["type"] = "object" } },
            });
        }

        return body.ToJsonString();
    }
}
