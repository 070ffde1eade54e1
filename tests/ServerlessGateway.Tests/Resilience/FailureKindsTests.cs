using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Tests.Resilience;

/// <summary>The routing questions about a failed attempt, as a table.</summary>
public sealed class FailureKindsTests
{
    [Theory]
    // status, code, reason, not sent, refusal → transient, counts against the deployment, rate limited
    [InlineData(503, null, "status 503", false, false, true, true, false)]
    [InlineData(500, null, "status 500", false, false, true, true, false)]
    [InlineData(502, "upstream_unreachable", "connection failed", false, false, true, true, false)]
    [InlineData(504, "upstream_timeout", "timeout", false, false, true, true, false)]
    [InlineData(529, "overloaded_error", "status 529", false, false, true, true, false)]
    [InlineData(429, "rate_limit_exceeded", "status 429", false, false, true, false, true)]
    [InlineData(401, "invalid_api_key", "status 401", false, false, false, true, false)]
    [InlineData(404, "model_not_found", "status 404", false, false, false, true, false)]
    [InlineData(400, "invalid_value", "status 400", false, false, false, false, false)]
    [InlineData(400, "untranslatable", "request not translatable", true, false, false, false, false)]
    [InlineData(402, "insufficient_quota", "budget exhausted", false, true, false, false, false)]
    public void Failures_are_classified_for_routing(int status, string? code, string reason, bool notSent, bool refusal, bool transient, bool counts, bool rateLimited)
    {
        var action = status is 400 ? FailureAction.ReturnToCaller : FailureAction.TryNextDeployment;
        var failure = new UpstreamFailure(new GatewayError(status, "message", "type", code), notSent && status == 400 ? FailureAction.TryNextDeployment : action, reason)
        {
            NotSent = notSent,
            IsRefusal = refusal,
        };

        Assert.Equal((transient, counts, rateLimited), (FailureKinds.IsTransient(failure), FailureKinds.CountsAgainstDeployment(failure), FailureKinds.IsRateLimited(failure)));
    }

    [Theory]
    [InlineData(400, "context_length_exceeded", "This model's maximum context length is 8192 tokens.", true)]
    [InlineData(400, null, "prompt is too long: 210000 tokens > 200000 maximum", true)]
    [InlineData(400, null, "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", true)]
    [InlineData(413, null, "Input exceeds the context window of this model.", true)]
    [InlineData(400, "invalid_value", "Invalid 'messages[0].role'.", false)]
    [InlineData(500, "context_length_exceeded", "server error", false)]
    public void Context_length_refusals_are_recognised_across_providers(int status, string? code, string message, bool expected) =>
        Assert.Equal(expected, FailureKinds.IsContextLengthExceeded(new UpstreamFailure(new GatewayError(status, message, "invalid_request_error", code), FailureAction.ReturnToCaller, "status " + status)));
}
