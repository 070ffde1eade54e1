using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Keys;

namespace ServerlessGateway.Tests.Caching.Keys;

/// <summary>
/// The exact key over a rich request, field by field: every value counts except the few top-level fields that cannot
/// change the answer, and no spelling of the same request gives another key.
/// </summary>
public sealed class RequestFingerprintPropertyTests
{
    public static readonly FingerprintScope Scope = new("tenant-a", "gpt-4o-2024-08-06", "default", FingerprintScope.ChatKind);

    /// <summary>The top-level fields the key leaves out (the spec of <c>IgnoredRequestFields</c>, written independently).</summary>
    public static readonly HashSet<string> Ignored = ["stream", "stream_options", "user", "metadata", "store", "cache", "model"];

    private const string Rich = """
        {
          "model": "gpt-4o",
          "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": [{"type": "text", "text": "Describe"}, {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":1}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "42"},
            {"role": "user", "content": "And now? \u00e9", "name": "ann"}
          ],
          "tools": [{"type": "function", "function": {"name": "lookup", "description": "Looks up", "strict": true,
            "parameters": {"type": "object", "properties": {"q": {"type": "integer", "minimum": 0}}, "required": ["q"], "additionalProperties": false}}}],
          "tool_choice": "auto",
          "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "strict": true, "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}},
          "temperature": 0.7, "top_p": 0.9, "seed": 42, "reasoning_effort": "low",
          "logit_bias": {"50256": -100, "1234": 5}, "n": 2, "stop": ["\n\n", "END"], "max_tokens": 256,
          "top_k": 40, "presence_penalty": 0, "frequency_penalty": 1.5e-1, "logprobs": true, "top_logprobs": 3,
          "parallel_tool_calls": false, "service_tier": "default",
          "provider": {"order": ["a", "b"], "allow_fallbacks": false, "nested": {"deep": [1, {"x": true, "y": null}]}},
          "stream": true, "stream_options": {"include_usage": true}, "user": "u-1", "metadata": {"k": "v"}, "store": false,
          "cache": {"ttl": 60}
        }
        """;

    private static readonly JsonNode Request = JsonNode.Parse(Rich)!;

    private static readonly string RichKey = Key(Request);

    [Fact]
    public void Changing_any_single_leaf_changes_the_key_unless_it_is_under_an_ignored_top_level_field()
    {
        var leaves = JsonSpelling.Leaves(Request).ToList();
        Assert.True(leaves.Count > 60, $"only {leaves.Count} leaves walked");
        foreach (var path in leaves)
        {
            var changed = Key(JsonSpelling.With(Request, path, JsonSpelling.Changed));
            Assert.True(IsIgnored(path) == (changed == RichKey), $"changing {Describe(path)}: ignored={IsIgnored(path)}, same key={changed == RichKey}");
        }
    }

    [Fact]
    public void Removing_any_field_or_element_changes_the_key_unless_it_is_an_ignored_top_level_field()
    {
        foreach (var path in JsonSpelling.Members(Request))
        {
            var removed = Key(JsonSpelling.Without(Request, path));
            Assert.True(IsIgnored(path) == (removed == RichKey), $"removing {Describe(path)}");
        }
    }

    [Fact]
    public void Adding_a_field_to_any_object_or_an_element_to_any_array_changes_the_key()
    {
        var containers = JsonSpelling.Members(Request).Where(p => !IsIgnored(p)).Prepend([]).ToList();
        foreach (var path in containers)
        {
            var node = path.Length == 0 ? Request : path.Aggregate((JsonNode?)Request, (n, step) => step is string s ? n![s] : n![(int)step]);
            JsonNode? added = node switch
            {
                JsonObject => path.Length == 0 ? AddedAtRoot() : JsonSpelling.With(Request, path, n => With(n!.AsObject(), "added", 1)),
                JsonArray => JsonSpelling.With(Request, path, n => Appended(n!.AsArray())),
                _ => null,
            };
            if (added is not null)
            {
                Assert.True(Key(added) != RichKey, $"adding under {Describe(path)}");
            }
        }
    }

    [Fact]
    public void Reordering_respacing_escaping_and_rewriting_numbers_keep_the_key()
    {
        var styles = new JsonSpelling.Style[]
        {
            new(ReverseProperties: true),
            new(Spaced: true),
            new(EscapeStrings: true),
            new(RewriteNumbers: true),
            new(true, true, true, true),
        };
        foreach (var style in styles)
        {
            Assert.Equal(RichKey, Key(JsonSpelling.Write(Request, style)));
        }
    }

    [Fact]
    public void Changing_the_ignored_fields_keeps_the_key()
    {
        var changed = Request.DeepClone().AsObject();
        changed["stream"] = false;
        changed["stream_options"] = new JsonObject { ["include_usage"] = false, ["other"] = 1 };
        changed["user"] = "someone-else";
        changed["metadata"] = new JsonObject { ["a"] = "b" };
        changed["store"] = true;
        changed["cache"] = new JsonObject { ["no-cache"] = true };
        changed["model"] = "gpt-4o-alias";

        Assert.Equal(RichKey, Key(changed));
    }

    [Fact]
    public void Another_tenant_resolved_model_namespace_or_kind_changes_both_key_and_partition()
    {
        var body = Encoding.UTF8.GetBytes(Rich);
        var baseline = RequestFingerprint.Compute(body, Scope);
        FingerprintScope[] others =
        [
            Scope with { Tenant = "tenant-b" },
            Scope with { ResolvedModel = "gpt-4o-mini" },
            Scope with { Namespace = "other" },
            Scope with { Kind = FingerprintScope.EmbeddingsKind },

            // The fields are length-prefixed: moving a character from one to the next is another scope.
            Scope with { Tenant = "tenant-ag", ResolvedModel = "pt-4o-2024-08-06" },
        ];

        var fingerprints = others.Select(s => RequestFingerprint.Compute(body, s)).Prepend(baseline).ToList();

        Assert.Equal(fingerprints.Count, fingerprints.Select(f => f.Key).Distinct().Count());
        Assert.Equal(fingerprints.Count, fingerprints.Select(f => f.Partition).Distinct().Count());
    }

    [Fact]
    public void Random_requests_share_a_key_exactly_when_their_canonical_forms_are_equal()
    {
        var random = new Random(20250301);
        var keyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var canonicalOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 500; i++)
        {
            var request = RandomRequests.Object(random, depth: 0);
            var canonical = RandomRequests.Canonical(request, top: true);
            var key = Key(request);

            Assert.Equal(keyOf.GetValueOrDefault(canonical, key), key);
            Assert.Equal(canonicalOf.GetValueOrDefault(key, canonical), canonical);
            keyOf[canonical] = key;
            canonicalOf[key] = canonical;

            // The same request spelled another way.
            var style = new JsonSpelling.Style(random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0);
            Assert.Equal(key, Key(JsonSpelling.Write(request, style)));
        }

        Assert.True(keyOf.Count > 300, $"only {keyOf.Count} distinct requests generated");
    }

    public static string Key(JsonNode request) => Key(request.ToJsonString());

    public static string Key(string json) => RequestFingerprint.Compute(Encoding.UTF8.GetBytes(json), Scope).Key;

    private static bool IsIgnored(object[] path) => path is [string top, ..] && Ignored.Contains(top);

    private static string Describe(object[] path) => string.Join('/', path.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));

    private static JsonObject AddedAtRoot() => With(Request.DeepClone().AsObject(), "added", 1);

    private static JsonObject With(JsonObject o, string name, int value)
    {
        var copy = o.DeepClone().AsObject();
        copy[name] = value;
        return copy;
    }

    private static JsonArray Appended(JsonArray a)
    {
        var copy = a.DeepClone().AsArray();
        copy.Add(1);
        return copy;
    }
}

/// <summary>Small random requests over tiny vocabularies, so that near-identical ones are common.</summary>
internal static class RandomRequests
{
    private static readonly string[] Names = ["a", "b", "ab", "", "A", "é", "stream", "user", "model", "temperature"];
    private static readonly string[] Strings = ["", "a", "b", "ab", "a\"b", "\n", "é", "😀", "1", "true", "null"];
    private static readonly string[] Numbers =
        ["0", "-0", "0.0", "1", "1.0", "1e0", "10e-1", "-1", "0.1", "1e-1", "100", "1e2", "1E+2", "2", "0.5", "5e-1", "123456789012345678901234567", "3.14159"];

    public static JsonObject Object(Random random, int depth)
    {
        var o = new JsonObject();
        var count = random.Next(depth == 0 ? 1 : 0, 4);
        for (var i = 0; i < count; i++)
        {
            var name = Names[random.Next(Names.Length)];
            if (!o.ContainsKey(name))
            {
                o[name] = Value(random, depth + 1);
            }
        }

        return o;
    }

    /// <summary>An independent canonical form: sorted names, numbers by decimal value, top-level ignored fields left out.</summary>
    public static string Canonical(JsonNode? node, bool top) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(
            ",",
            o.Where(p => !top || !RequestFingerprintPropertyTests.Ignored.Contains(p.Key))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value, false))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(e => Canonical(e, false))) + "]",
        _ when node.GetValueKind() == JsonValueKind.Number =>
            "#" + (decimal.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    private static JsonNode? Value(Random random, int depth) => random.Next(depth >= 3 ? 4 : 6) switch
    {
        0 => JsonValue.Create(Strings[random.Next(Strings.Length)]),
        1 => JsonNode.Parse(Numbers[random.Next(Numbers.Length)]),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => null,
        4 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => Value(random, depth + 1)).ToArray()),
        _ => Object(random, depth),
    };
}
