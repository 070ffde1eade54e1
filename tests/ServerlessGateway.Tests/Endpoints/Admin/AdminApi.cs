using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints.Admin;

/// <summary>Calls of the admin API the tests repeat.</summary>
public static class AdminApi
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Creates a key and returns its secret.</summary>
    public static async Task<string> CreateKeyAsync(HttpClient admin, string body) =>
        (await CreateKeyViewAsync(admin, body))["secret"]!.GetValue<string>();

    public static async Task<JsonNode> CreateKeyViewAsync(HttpClient admin, string body) => await SendAsync(admin, HttpMethod.Post, "/admin/keys", body, 201);

    public static async Task<JsonNode> SendAsync(HttpClient admin, HttpMethod method, string path, string? body, int expectedStatus = 200)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json.Body(body) };
        using var response = await admin.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True((int)response.StatusCode == expectedStatus, $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static async Task<int> StatusWithAsync(HttpClient client, string model = "mock-echo")
    {
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } }, Token);
        return (int)response.StatusCode;
    }
}
