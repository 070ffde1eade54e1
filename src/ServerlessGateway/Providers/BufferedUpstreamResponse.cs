using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers;

/// <summary>A complete JSON answer, relayed byte for byte (unknown fields included).</summary>
public sealed class BufferedUpstreamResponse(int status, PooledBody body, TokenUsage? usage) : UpstreamResponse
{
    public TokenUsage? Usage { get; } = usage;

    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken)
    {
        await format.WriteAnswerAsync(response, status, body.Memory, cancellationToken);
        return new RelayOutcome(Usage, Completed: true);
    }

    public override void Dispose()
    {
        body.Dispose();
        base.Dispose();
    }
}
