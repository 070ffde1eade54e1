using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers;

/// <summary>
/// A successful upstream answer, not yet sent to the caller. Writing it commits the response: from
/// then on a failure can no longer move to another deployment and is reported in-band instead.
/// </summary>
public abstract class UpstreamResponse : IDisposable
{
    public abstract Task<RelayOutcome> WriteAsync(HttpResponse response, CancellationToken cancellationToken);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>What happened while writing: the usage seen, and whether the answer reached its end.</summary>
public readonly record struct RelayOutcome(TokenUsage? Usage, bool Completed, string? Failure = null);
