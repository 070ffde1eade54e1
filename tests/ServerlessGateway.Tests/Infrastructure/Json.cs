using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Infrastructure;

public static class Json
{
    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, Body(json));

    /// <summary>Asserts an OpenAI-shaped error body with the given status and code, and returns its message.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, int status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.NotNull(error["type"]);
        Assert.True(error.AsObject().ContainsKey("param"));
        Assert.True(error.AsObject().ContainsKey("code"));
        if (code is not null)
        {
            Assert.Equal(code, error["code"]?.GetValue<string>());
        }

        return error["message"]!.GetValue<string>();
    }

    public static JsonContent Of<T>(T value) => JsonContent.Create(value);
}
