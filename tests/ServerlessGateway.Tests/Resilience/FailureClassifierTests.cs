using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Tests.Resilience;

/// <summary>The one table that decides between returning a failure and trying the next deployment.</summary>
public sealed class FailureClassifierTests
{
    [Theory]
    // The request is at fault: every deployment would refuse it the same way.
    [InlineData(400, FailureAction.ReturnToCaller)]
    [InlineData(413, FailureAction.ReturnToCaller)]
    [InlineData(415, FailureAction.ReturnToCaller)]
    [InlineData(422, FailureAction.ReturnToCaller)]
    // This deployment is at fault: its key, quota, model, rate limit or health.
    [InlineData(401, FailureAction.TryNextDeployment)]
    [InlineData(402, FailureAction.TryNextDeployment)]
    [InlineData(403, FailureAction.TryNextDeployment)]
    [InlineData(404, FailureAction.TryNextDeployment)]
    [InlineData(408, FailureAction.TryNextDeployment)]
    [InlineData(409, FailureAction.TryNextDeployment)]
    [InlineData(429, FailureAction.TryNextDeployment)]
    [InlineData(500, FailureAction.TryNextDeployment)]
    [InlineData(501, FailureAction.TryNextDeployment)]
    [InlineData(502, FailureAction.TryNextDeployment)]
    [InlineData(503, FailureAction.TryNextDeployment)]
    [InlineData(504, FailureAction.TryNextDeployment)]
    [InlineData(520, FailureAction.TryNextDeployment)]
    [InlineData(529, FailureAction.TryNextDeployment)]
    [InlineData(599, FailureAction.TryNextDeployment)]
    // Anything else unusual is returned as it came rather than retried elsewhere.
    [InlineData(405, FailureAction.ReturnToCaller)]
    [InlineData(410, FailureAction.ReturnToCaller)]
    [InlineData(411, FailureAction.ReturnToCaller)]
    [InlineData(418, FailureAction.ReturnToCaller)]
    [InlineData(451, FailureAction.ReturnToCaller)]
    [InlineData(499, FailureAction.ReturnToCaller)]
    [InlineData(304, FailureAction.ReturnToCaller)]
    [InlineData(307, FailureAction.ReturnToCaller)]
    public void Status(int status, FailureAction expected)
    {
        Assert.Equal(expected, FailureClassifier.ForStatus(status));
    }

    public static TheoryData<Exception, FailureAction> Exceptions => new()
    {
        // Sending failed: the connection, not the request, is the problem.
        { new HttpRequestException("connection refused", new SocketException((int)SocketError.ConnectionRefused)), FailureAction.TryNextDeployment },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "no such host"), FailureAction.TryNextDeployment },
        { new HttpRequestException("TLS failed", new AuthenticationException("bad certificate")), FailureAction.TryNextDeployment },
        { new SocketException((int)SocketError.ConnectionReset), FailureAction.TryNextDeployment },
        { new IOException("The response ended prematurely."), FailureAction.TryNextDeployment },
        { new HttpIOException(HttpRequestError.ResponseEnded, "ended"), FailureAction.TryNextDeployment },
        { new TimeoutException(), FailureAction.TryNextDeployment },

        // Anything else is not a deployment outage.
        { new InvalidOperationException(), FailureAction.ReturnToCaller },
        { new OperationCanceledException(), FailureAction.ReturnToCaller },
        { new ArgumentException("bad"), FailureAction.ReturnToCaller },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Exception(Exception exception, FailureAction expected)
    {
        Assert.Equal(expected, FailureClassifier.ForException(exception));
    }

    [Fact]
    public void Every_status_from_100_to_599_has_a_decision_and_only_the_documented_ones_fail_over()
    {
        int[] failOver = [401, 402, 403, 404, 408, 409, 429];
        for (var status = 100; status <= 599; status++)
        {
            var expected = status >= 500 || failOver.Contains(status) ? FailureAction.TryNextDeployment : FailureAction.ReturnToCaller;
            Assert.True(expected == FailureClassifier.ForStatus(status), $"status {status}");
        }
    }

    [Fact]
    public void Describe()
    {
        Assert.Equal("status 503", FailureClassifier.Describe(HttpStatusCode.ServiceUnavailable));
    }
}
