using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers;

/// <summary>
/// A successful upstream answer, not yet sent to the caller. Writing it commits the response: from
/// then on a failure can no longer move to another deployment and is reported in-band instead.
/// </summary>
public abstract class UpstreamResponse : IDisposable
{
    /// <summary>Writes the answer to the caller, in the caller's API.</summary>
    public abstract Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken);

    /// <summary>What the upstream said about its rate limits in this answer's headers; null when nothing (and for the mock).</summary>
    public ProviderRateHints? RateHints { get; internal set; }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// What happened while writing: the usage seen, whether the answer reached its end, and if not, why
/// (one of <see cref="FailureReasons"/>).
/// </summary>
public readonly record struct RelayOutcome(TokenUsage? Usage, bool Completed, string? Failure = null);
