using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Providers.Http;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Upstream error bodies reach clients as valid OpenAI errors: complete ones unchanged, ones missing
/// a required field completed (keeping everything else), and plain-text ones quoted as text.
/// Our own samples, shaped like what OpenAI-compatible servers send.
/// </summary>
public sealed class UpstreamErrorShapeTests
{
    [Fact]
    public void Complete_error_is_relayed_unchanged()
    {
        var body = Encoding.UTF8.GetBytes("""{"error":{"message":"Bad","type":"invalid_request_error","param":null,"code":"x","extra":1}}""");

        var failure = From(400, body);

        Assert.Equal(body, failure.UpstreamBody.ToArray());
    }

    [Fact]
    public void Error_with_null_type_and_numeric_code_is_completed_and_keeps_its_details()
    {
        var body = """{"error":{"message":"Filtered","type":null,"code":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}},"status":400}""";

        var failure = From(400, Encoding.UTF8.GetBytes(body));

        var relayed = JsonNode.Parse(failure.UpstreamBody.Span)!;
        var expected = JsonNode.Parse("""{"error":{"message":"Filtered","type":"invalid_request_error","code":"400","innererror":{"code":"ResponsibleAIPolicyViolation"},"param":null},"status":400}""");
        Assert.True(JsonNode.DeepEquals(expected, relayed), relayed.ToJsonString());
    }

    [Fact]
    public void Plain_text_error_is_quoted_as_text_in_the_gateways_own_error()
    {
        var failure = From(404, Encoding.UTF8.GetBytes("""{"error":"model \"x\" not found"}"""));

        Assert.True(failure.UpstreamBody.IsEmpty);
        Assert.EndsWith("answered 404: model \"x\" not found", failure.Error.Message, StringComparison.Ordinal);
    }

    private static global::ServerlessGateway.Resilience.UpstreamFailure From(int status, byte[] body)
    {
        return UpstreamErrors.FromResponse(status, null, body, "d");
    }
}
