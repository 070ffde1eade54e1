using System.Text.Json.Nodes;
using ServerlessGateway.Inbound.Anthropic;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>Gateway and upstream errors as Anthropic error types.</summary>
public sealed class AnthropicErrorsTests
{
    [Theory]
    [InlineData(400, "invalid_request_error", "invalid_request_error")]
    [InlineData(401, "invalid_request_error", "authentication_error")]
    [InlineData(402, "insufficient_quota", "billing_error")]
    [InlineData(403, "permission_error", "permission_error")]
    [InlineData(404, "invalid_request_error", "not_found_error")]
    [InlineData(409, "invalid_request_error", "invalid_request_error")]
    [InlineData(413, "invalid_request_error", "request_too_large")]
    [InlineData(415, "invalid_request_error", "invalid_request_error")]
    [InlineData(422, "invalid_request_error", "invalid_request_error")]
    [InlineData(429, "rate_limit_exceeded", "rate_limit_error")]
    [InlineData(500, "server_error", "api_error")]
    [InlineData(502, "server_error", "api_error")]
    [InlineData(503, "server_error", "api_error")]
    [InlineData(504, "server_error", "timeout_error")]
    [InlineData(529, "server_error", "overloaded_error")]
    [InlineData(500, "overloaded_error", "overloaded_error")] // an Anthropic upstream's own type, kept by its adapter
    [InlineData(400, "billing_error", "billing_error")]
    public void Status_and_type_map_to_Anthropic_error_types(int status, string type, string expected)
    {
        Assert.Equal(expected, AnthropicErrors.TypeFor(new GatewayError(status, "m", type)));
    }

    [Fact]
    public void An_overloaded_503_is_an_overloaded_error()
    {
        Assert.Equal("overloaded_error", AnthropicErrors.TypeFor(new GatewayError(503, "The engine is currently overloaded, please try again later", "server_error")));
    }

    [Fact]
    public void The_body_is_Anthropic_shaped_and_a_missing_key_names_x_api_key()
    {
        var body = JsonNode.Parse(AnthropicErrors.ToJsonBytes(GatewayError.MissingKey(), "req_1"))!;

        AnthropicEvents.AssertJsonEqual(
            """{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required (or send the key as 'Authorization: Bearer <key>')."},"request_id":"req_1"}""",
            body);
    }
}
