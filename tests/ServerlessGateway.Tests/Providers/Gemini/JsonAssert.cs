using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Golden comparisons of JSON documents: equal as JSON (property order and spacing aside), shown whole on failure.</summary>
internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Equal(string expected, JsonNode? actual)
    {
        var golden = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(golden, actual), $"expected:\n{golden?.ToJsonString(Indented)}\nactual:\n{actual?.ToJsonString(Indented)}");
    }
}
