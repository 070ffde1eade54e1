using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers;

/// <summary>A complete JSON answer, relayed byte for byte (unknown fields included).</summary>
public sealed class BufferedUpstreamResponse(int status, PooledBody body, TokenUsage? usage) : UpstreamResponse
{
    public TokenUsage? Usage { get; } = usage;

    /// <summary>
    /// The answer is already in the caller's API, not OpenAI's (native pass-through of a
    /// <see cref="CallerApiRequest"/>): it is written as it is, without the caller format's translation.
    /// </summary>
    public bool InCallerApi { get; init; }

    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken)
    {
        if (InCallerApi)
        {
            await JsonResponse.WriteAsync(response, status, body.Memory, cancellationToken: cancellationToken);
        }
        else
        {
            await format.WriteAnswerAsync(response, status, body.Memory, cancellationToken);
        }

        return new RelayOutcome(Usage, Completed: true);
    }

    public override void Dispose()
    {
        body.Dispose();
        base.Dispose();
    }
}
