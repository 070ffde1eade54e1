using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Gemini's error bodies as OpenAI errors (status, message, code, Retry-After) and the failover decision each one makes.</summary>
public sealed class GeminiErrorMappingTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private const string RetryInfo = """{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12.2s"}""";
    private const string InvalidKey = """{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}""";

    public static TheoryData<int, string, int, string, string, bool> Errors => new()
    {
        // upstream status, body → caller status, OpenAI type, code, fails over
        { 429, GeminiSamples.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", RetryInfo), 429, "rate_limit_error", "resource_exhausted", true },
        { 503, GeminiSamples.Error(503, "UNAVAILABLE", "The model is overloaded."), 503, "server_error", "unavailable", true },
        { 500, GeminiSamples.Error(500, "INTERNAL", "Internal error."), 500, "server_error", "internal", true },
        { 404, GeminiSamples.Error(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta."), 404, "invalid_request_error", "model_not_found", true },
        { 400, GeminiSamples.Error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."), 400, "invalid_request_error", "invalid_argument", false },
        { 400, GeminiSamples.Error(400, "INVALID_ARGUMENT", "API key not valid.", InvalidKey), 401, "authentication_error", "invalid_api_key", true },
        { 400, GeminiSamples.Error(400, "FAILED_PRECONDITION", "User location is not supported for the API use."), 400, "invalid_request_error", "failed_precondition", true },
        { 403, GeminiSamples.Error(403, "PERMISSION_DENIED", "Permission denied on resource project."), 403, "permission_error", "permission_denied", true },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task A_Gemini_error_keeps_its_status_and_message_and_is_classified(int status, string body, int expectedStatus, string type, string code, bool failsOver)
    {
        gemini.ServeJson(body, status);

        using var alone = await gemini.PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""");
        using var withFallback = await gemini.PostAsync("""{"model":"gemini-then-openai","messages":[{"role":"user","content":"hi"}]}""");

        var message = await Json.AssertErrorAsync(alone, expectedStatus, code);
        Assert.Equal(JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>(), message);
        Assert.Equal(type, (await Json.ReadAsync(alone))["error"]!["type"]!.GetValue<string>());
        if (failsOver)
        {
            Assert.Equal(GeminiGateway.Fallback, (await Json.ReadAsync(withFallback))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        }
        else
        {
            await Json.AssertErrorAsync(withFallback, expectedStatus, code);
        }
    }

    [Fact]
    public async Task RetryInfo_becomes_Retry_After_in_whole_seconds()
    {
        gemini.ServeJson(GeminiSamples.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", RetryInfo), 429);

        using var response = await gemini.PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(13), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Without_RetryInfo_the_Retry_After_header_is_used()
    {
        gemini.Serve(context => Respond.Json(context, 429, GeminiSamples.Error(429, "RESOURCE_EXHAUSTED", "Slow down."), ("Retry-After", "7")));

        using var response = await gemini.PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData("""[{"error":{"code":429,"message":"Array-wrapped quota error.","status":"RESOURCE_EXHAUSTED"}}]""", "Array-wrapped quota error.")]
    [InlineData("<html>Bad gateway</html>", "<html>Bad gateway</html>")]
    public async Task Other_error_shapes_keep_their_text(string body, string quoted)
    {
        gemini.ServeJson(body, 429);

        using var response = await gemini.PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""");

        var message = await Json.AssertErrorAsync(response, 429);
        Assert.Contains(quoted, message, StringComparison.Ordinal);
    }
}
