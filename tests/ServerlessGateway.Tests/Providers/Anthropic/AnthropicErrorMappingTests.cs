using System.Text;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>Anthropic error answers → OpenAI errors, classified for failover; and what a caller sees through the gateway.</summary>
public sealed class AnthropicErrorMappingTests
{
    [Theory]
    [InlineData(400, "invalid_request_error", 400, "invalid_request_error", false)]
    [InlineData(401, "authentication_error", 401, "authentication_error", true)]
    [InlineData(402, "billing_error", 402, "billing_error", true)]
    [InlineData(403, "permission_error", 403, "permission_error", true)]
    [InlineData(404, "not_found_error", 404, "not_found_error", true)]
    [InlineData(413, "request_too_large", 413, "request_too_large", false)]
    [InlineData(429, "rate_limit_error", 429, "rate_limit_error", true)]
    [InlineData(500, "api_error", 500, "server_error", true)]
    [InlineData(504, "timeout_error", 504, "server_error", true)]
    [InlineData(529, "overloaded_error", 503, "server_error", true)]
    public void Anthropic_error_keeps_its_message_and_gets_an_OpenAI_status_type_and_failover_decision(int status, string anthropicType, int callerStatus, string openAIType, bool nextDeployment)
    {
        var failure = From(status, AnthropicTestWire.Error(anthropicType, "Something about it."));

        Assert.Equal(callerStatus, failure.Error.Status);
        Assert.Equal(openAIType, failure.Error.Type);
        Assert.Equal(anthropicType, failure.Error.Code);
        Assert.Equal("Something about it. (Anthropic request id req_T1)", failure.Error.Message);
        Assert.Equal(nextDeployment ? FailureAction.TryNextDeployment : FailureAction.ReturnToCaller, failure.Action);
        Assert.True(failure.UpstreamBody.IsEmpty); // the gateway writes the OpenAI error itself
    }

    [Fact]
    public void Retry_after_is_kept()
    {
        var hints = new ProviderRateHints { RetryAfter = TimeSpan.FromSeconds(16.2), RequestsRemaining = 0 };

        var failure = AnthropicErrors.FromResponse(429, hints, Encoding.UTF8.GetBytes(AnthropicTestWire.Error("rate_limit_error", "Slow down.")), "d");

        Assert.Equal(17, failure.Error.RetryAfterSeconds);
        Assert.Same(hints, failure.RateHints);
    }

    [Theory]
    [InlineData(529, "", 503)]
    [InlineData(502, "<html>Bad gateway</html>", 502)]
    [InlineData(500, """{"error":"plain text"}""", 500)]
    public void A_body_that_is_not_Anthropics_error_is_described_the_generic_way(int status, string body, int callerStatus)
    {
        var failure = From(status, body);

        Assert.Equal(callerStatus, failure.Error.Status);
        Assert.Equal(FailureAction.TryNextDeployment, failure.Action);
        Assert.Contains("'d'", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overloaded_deployment_fails_over_to_the_next_one()
    {
        await using var overloaded = await FakeUpstream.StartAsync(c => Respond.Json(c, 529, AnthropicTestWire.Error("overloaded_error", "Overloaded")));
        await using var healthy = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, AnthropicTestWire.Message("Hello from the second")));
        var config = AnthropicTestWire.WithAnthropic(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), overloaded.BaseUrl, "a", "first"), healthy.BaseUrl, "b", "second");
        config["Gateway"]!["Models"]!["claude"] = GatewayHost.Deployments(("first", AnthropicTestWire.UpstreamModel), ("second", AnthropicTestWire.UpstreamModel));
        await using var gateway = await GatewayHost.StartAsync(config);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-gateway-attempts").Single());
        Assert.Equal("Hello from the second", (await Json.ReadAsync(response))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Single(overloaded.Requests);
    }

    [Fact]
    public async Task Rate_limited_with_nowhere_else_to_go_reaches_the_caller_as_429_with_retry_after()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 429, AnthropicTestWire.Error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), ("retry-after", "12")));
        await using var gateway = await GatewayHost.StartAsync(AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("12", response.Headers.RetryAfter?.ToString());
        var message = await Json.AssertErrorAsync(response, 429, "rate_limit_error");
        Assert.StartsWith("Number of request tokens has exceeded", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_Anthropic_calls_invalid_goes_back_without_trying_the_next_deployment()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 400, AnthropicTestWire.Error("invalid_request_error", "messages.0.content: text content blocks must be non-empty")));
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstream.BaseUrl);
        config["Gateway"]!["Models"]!["claude"] = GatewayHost.Deployments(("anthropic", "one"), ("anthropic", "two"));
        await using var gateway = await GatewayHost.StartAsync(config);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""");

        var message = await Json.AssertErrorAsync(response, 400, "invalid_request_error");
        Assert.Contains("text content blocks must be non-empty", message, StringComparison.Ordinal);
        Assert.Single(upstream.Requests);
    }

    private static UpstreamFailure From(int status, string body)
    {
        return AnthropicErrors.FromResponse(status, null, Encoding.UTF8.GetBytes(body), "d");
    }
}
