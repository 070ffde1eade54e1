using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Limits;

/// <summary>
/// Admits a request under every rate limit of every level it belongs to (key, user, team, organisation;
/// for all models and for the requested one), all or nothing, from counters shared across instances.
/// </summary>
public interface IRateLimiter
{
    /// <param name="model">The logical model asked for (per-model limits are keyed by it).</param>
    /// <param name="estimatedTokens">Prompt tokens (tokenizer) + max_tokens or the configured default.</param>
    ValueTask<IRateAdmission> AdmitAsync(CallerIdentity caller, string model, long estimatedTokens, CancellationToken cancellationToken, bool modelLimitsOnly = false);
}

/// <summary>An admission (dispose when the request ends: it frees the parallel slots) or a refusal.</summary>
public interface IRateAdmission : IDisposable
{
    /// <summary>Null when admitted; otherwise a 429 naming the limit and level that refused, with Retry-After.</summary>
    GatewayError? Refusal { get; }

    /// <summary>Corrects the token counters from the estimate to the real usage (once; later calls are ignored).</summary>
    void SettleTokens(long actualTokens);

    /// <summary>Writes x-ratelimit-limit-*/remaining-*/reset-* (OpenAI's names) for the tightest limits.</summary>
    void WriteHeaders(IHeaderDictionary headers);
}
