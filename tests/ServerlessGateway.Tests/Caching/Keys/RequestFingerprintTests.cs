using System.Text;
using ServerlessGateway.Caching.Keys;

namespace ServerlessGateway.Tests.Caching.Keys;

public sealed class RequestFingerprintTests
{
    private static readonly FingerprintScope Scope = RequestFingerprintPropertyTests.Scope;

    [Theory]
    [InlineData("0", "-0")]
    [InlineData("0", "0.000")]
    [InlineData("0", "0e0")]
    [InlineData("0", "-0.0E+5")]
    [InlineData("1", "1.0")]
    [InlineData("1", "1e0")]
    [InlineData("1", "10e-1")]
    [InlineData("1", "0.001E3")]
    [InlineData("100", "1e2")]
    [InlineData("100", "1E+2")]
    [InlineData("-2.5", "-25e-1")]
    [InlineData("123456789012345678901234567890.5", "1234567890123456789012345678905e-1")]
    [InlineData("1e400", "10e399")]
    public void Numbers_of_equal_value_share_a_key(string a, string b) =>
        Assert.Equal(Key($$"""{"n":{{a}}}"""), Key($$"""{"n":{{b}}}"""));

    [Theory]
    [InlineData("0", "1e-40")]
    [InlineData("1", "-1")]
    [InlineData("1", "1.0000000000000000000000000000001")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567891")]
    [InlineData("1e400", "1e401")]
    [InlineData("1e-400", "0")]
    [InlineData("12", "1.2")]
    [InlineData("1", "\"1\"")]
    [InlineData("1e999999999999999999999", "1e999999999999999999998")]
    public void Numbers_of_different_value_never_share_a_key(string a, string b) =>
        Assert.NotEqual(Key($$"""{"n":{{a}}}"""), Key($$"""{"n":{{b}}}"""));

    [Theory]
    [InlineData("""{"a":"bc"}""", """{"ab":"c"}""")]
    [InlineData("""{"a":["b","c"]}""", """{"a":["bc"]}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[1],"b":2}""")]
    [InlineData("""{"a":[[]]}""", """{"a":[]}""")]
    [InlineData("""{"a":{}}""", """{"a":[]}""")]
    [InlineData("""{"a":null}""", """{"a":"null"}""")]
    [InlineData("""{"a":true}""", """{"a":"true"}""")]
    [InlineData("""{"a":""}""", """{}""")]
    [InlineData("""{"a":{"b":{"c":1}}}""", """{"a":{"b":{}},"c":1}""")]
    public void Structurally_different_requests_never_share_a_key(string a, string b) => Assert.NotEqual(Key(a), Key(b));

    [Fact]
    public void Strings_and_names_count_by_their_unescaped_value()
    {
        Assert.Equal(Key("""{"A":"A/é"}"""), Key("""{"\u0041":"\u0041\/\u00e9"}"""));

        // An escaped ignored field is still that field.
        Assert.Equal(Key("""{"a":1}"""), Key("""{"a":1,"str\u0065am":true}"""));
    }

    [Fact]
    public void A_repeated_name_keeps_its_last_value()
    {
        Assert.Equal(Key("""{"a":2}"""), Key("""{"a":1,"a":2}"""));
        Assert.Equal(Key("""{"x":{"b":1,"a":3}}"""), Key("""{"x":{"a":1,"b":1,"a":3}}"""));
        Assert.NotEqual(Key("""{"a":1}"""), Key("""{"a":1,"a":2}"""));
    }

    [Fact]
    public void Large_objects_sort_and_drop_repeated_names_like_small_ones()
    {
        var names = Enumerable.Range(0, 40).Select(i => $"p{i:D2}").ToList();
        var ordered = "{\"x\":{" + string.Join(",", names.Select(n => $"\"{n}\":1")) + "}}";
        var shuffled = "{\"x\":{\"p07\":0," + string.Join(",", names.AsEnumerable().Reverse().Select(n => $"\"{n}\":1.0")) + "}}";

        Assert.Equal(Key(ordered), Key(shuffled));
        Assert.NotEqual(Key(ordered), Key(shuffled.Replace("\"p07\":1.0", "\"p07\":2", StringComparison.Ordinal)));
    }

    [Fact]
    public void Only_top_level_fields_are_ignored()
    {
        Assert.NotEqual(Key("""{"tools":[{"stream":true}]}"""), Key("""{"tools":[{"stream":false}]}"""));
        Assert.NotEqual(Key("""{"messages":[{"role":"user","content":"a","user":"x"}]}"""), Key("""{"messages":[{"role":"user","content":"a"}]}"""));
    }

    [Fact]
    public void Keys_are_lowercase_hex_of_the_documented_lengths()
    {
        var fingerprint = Compute("""{"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Matches("^[0-9a-f]{64}$", fingerprint.Key);
        Assert.Matches("^[0-9a-f]{32}$", fingerprint.Partition);
        Assert.Matches("^[0-9a-f]{64}$", fingerprint.ContextKey!);
    }

    [Theory]
    [InlineData("""{"temperature":0.25,"seed":7}""", 0.25, true)]
    [InlineData("""{"temperature":"0.25","seed":null}""", null, false)]
    [InlineData("""{"temperature":1,"temperature":null}""", null, false)]
    [InlineData("""{"seed":0}""", null, true)]
    [InlineData("""{"x":{"temperature":1,"seed":1}}""", null, false)]
    public void Temperature_and_seed_are_read_from_the_top_level(string json, double? temperature, bool hasSeed)
    {
        var fingerprint = Compute(json);

        Assert.Equal((temperature, hasSeed), (fingerprint.Temperature, fingerprint.HasSeed));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("{} {}")]
    [InlineData("[1,")]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":1} // comment""")]
    public void Broken_json_never_throws_and_keys_on_the_exact_bytes(string json)
    {
        var fingerprint = Compute(json);

        Assert.Matches("^[0-9a-f]{64}$", fingerprint.Key);
        Assert.Equal(Compute("{}").Partition, fingerprint.Partition);
        Assert.Equal(fingerprint.Key, Compute(json).Key);
        Assert.NotEqual(fingerprint.Key, Compute(json + " ").Key);
        Assert.Equal((null, null, null, false), (fingerprint.ContextKey, fingerprint.SemanticText, fingerprint.Temperature, fingerprint.HasSeed));
    }

    [Fact]
    public void Deep_nesting_within_the_parser_limit_is_canonical_and_deeper_falls_back()
    {
        static string Nested(int depth, string leaf) => string.Concat(Enumerable.Repeat("""{"a":[""", depth)) + leaf + string.Concat(Enumerable.Repeat("]}", depth));

        Assert.Equal(Key(Nested(60, "1")), Key(Nested(60, "1.0")));
        Assert.NotEqual(Key(Nested(60, "1")), Key(Nested(60, "2")));
        Assert.NotEqual(Key(Nested(100, "1")), Key(Nested(100, "1.0")));
    }

    [Fact]
    public void A_top_level_value_that_is_not_an_object_is_still_keyed_canonically() =>
        Assert.Equal(Key("[1, {\"b\":1,\"a\":2}]"), Key("[1.0,{\"a\":2,\"b\":1}]"));

    private static Fingerprint Compute(string json) => RequestFingerprint.Compute(Encoding.UTF8.GetBytes(json), Scope);

    private static string Key(string json) => Compute(json).Key;
}
