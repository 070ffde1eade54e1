using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Selection;
using static ServerlessGateway.Tests.Routing.Selection.SelectionRig;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>Route conditions as written in JSON, compiled and evaluated against one request.</summary>
public sealed class RouteConditionTests
{
    private const string Yes = """{ "Field": "model", "Equals": "gpt-4o" }""";
    private const string No = """{ "Field": "model", "Equals": "gpt-4.1" }""";

    private static readonly SelectionInput Request = Input(
        Chat("""{"model":"gpt-4o","user":"u-1","metadata":{"tier":"gold"},"messages":[{"role":"user","content":"hi"}]}"""),
        Caller(key: "app", user: "ada", team: "search", organization: "acme"),
        headers: new Dictionary<string, string> { ["x-tenant"] = "eu" },
        tags: new Dictionary<string, string> { ["app"] = "notebook" });

    public static TheoryData<string, bool> Rows => new()
    {
        { Yes, true },
        { """{ "Field": "model", "Equals": "GPT-4o" }""", false }, // values compare exactly
        { """{ "Field": "user", "In": [ "u-1", "u-2" ] }""", true },
        { """{ "Field": "user", "In": [ "u-3" ] }""", false },
        { """{ "Field": "key", "Equals": "app" }""", true },
        { """{ "Field": "team", "Equals": "search" }""", true },
        { """{ "Field": "organization", "In": [ "acme" ] }""", true },
        { """{ "Field": "header:X-Tenant", "Equals": "eu" }""", true }, // header names ignore case
        { """{ "Field": "tag:app", "Matches": "^note" }""", true },
        { """{ "Field": "metadata:tier", "Matches": "^(gold|platinum)$" }""", true },
        { """{ "Field": "metadata:tier", "Matches": "^silver$" }""", false },
        { """{ "Field": "model", "Matches": "4o" }""", true }, // a search, not a whole-value match
        { """{ "Field": "header:x-missing", "Equals": "" }""", false }, // a missing field is false…
        { """{ "Field": "metadata:missing", "Matches": ".*" }""", false },
        { """{ "Field": "tag:missing", "In": [ "" ] }""", false },
        { """{ "Not": { "Field": "header:x-missing", "Equals": "x" } }""", true }, // …so Not of it is true
        { $$"""{ "Not": {{Yes}} }""", false },
        { $$"""{ "All": [ {{Yes}}, {{Yes}} ] }""", true },
        { $$"""{ "All": [ {{Yes}}, {{No}} ] }""", false },
        { $$"""{ "Any": [ {{No}}, {{Yes}} ] }""", true },
        { $$"""{ "Any": [ {{No}}, {{No}} ] }""", false },
        { $$"""{ "Any": [ { "All": [ {{Yes}}, {{No}} ] }, { "Not": { "Any": [ {{No}}, { "Field": "team", "Equals": "ads" } ] } } ] }""", true },
        { $$"""{ "All": [ { "Any": [ {{No}}, {{Yes}} ] }, { "Not": { "All": [ {{Yes}}, { "Field": "user", "Equals": "u-1" } ] } } ] }""", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_condition_holds_or_not(string condition, bool expected)
    {
        Assert.Equal(expected, Compile(condition).IsMet(Request));
    }

    [Fact]
    public void The_user_is_the_bodys_user_else_the_callers()
    {
        var condition = Compile("""{ "Field": "user", "Equals": "ada" }""");
        var withoutUser = Chat("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        var withUser = Chat("""{"model":"gpt-4o","user":"u-1","messages":[{"role":"user","content":"hi"}]}""");

        Assert.True(condition.IsMet(Input(withoutUser, Caller(user: "ada"))));
        Assert.False(condition.IsMet(Input(withUser, Caller(user: "ada"))));
        Assert.False(condition.IsMet(Input(withoutUser, Caller())));
    }

    [Fact]
    public void A_pattern_that_backtracks_too_long_is_a_miss_not_a_stall()
    {
        var condition = Compile("""{ "Field": "header:x-probe", "Matches": "^(a+)+$" }""");
        var request = Input(Chat("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""),
            headers: new Dictionary<string, string> { ["x-probe"] = new string('a', 40) + "!" });

        var watch = Stopwatch.StartNew();
        Assert.False(condition.IsMet(request));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static RouteCondition Compile(string conditionJson)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "When": {{conditionJson}} }""")))
            .Build();
        var options = configuration.GetSection("When").Get<RouteConditionOptions>();
        var errors = new List<string>();
        var condition = RouteConditionCompiler.Compile(options, "When", errors);
        Assert.Empty(errors);
        return condition!;
    }
}
