using ServerlessGateway.Accounting;
using ServerlessGateway.Caching.Keys;
using ServerlessGateway.Caching.Replay;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Caching;

/// <summary>
/// The cache step of the request flow: the exact lookup (whole normalised request + resolved model + tenant +
/// namespace), then the semantic one when it applies; after a miss, the answer to store. Lookups fail open: a store
/// or embedder that breaks makes a miss, never a failed request.
/// </summary>
public sealed partial class ResponseCache(ICacheStore store, SemanticCache semantic, CacheWriter writer, CacheStats stats, TimeProvider time, ILogger<ResponseCache> logger)
{
    public async ValueTask<CacheLookup> LookupAsync(CachePlan plan, ParsedRequest request, string model, CancellationToken cancellationToken)
    {
        var kind = request is ChatRequest ? "chat" : "embeddings";
        var fingerprint = RequestFingerprint.Compute(request.Body.Span, new FingerprintScope(plan.Tenant, model, plan.Namespace, kind), plan.SemanticMode != SemanticModes.Off);
        var lookup = new CacheLookup(plan, fingerprint);
        try
        {
            if (plan.ReadExact && await store.GetAsync(fingerprint.Key, cancellationToken) is { } entry && plan.Accepts(entry, time.GetUtcNow()))
            {
                lookup.Hit = new CacheHit(entry, null);
            }
            else if (plan.SemanticMode != SemanticModes.Off && fingerprint.ContextKey is not null)
            {
                // Also under no-cache: the question's embedding is what lets the refreshed answer be found later.
                await semantic.LookupAsync(lookup, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(logger, ex);
            stats.Count(CacheCounter.Failures);
        }

        if (lookup.Hit is { } hit && request is ChatRequest { Stream: true })
        {
            // Checked when served, not when stored: most answers are never replayed, and one that cannot be (audio, a
            // function_call) still serves JSON callers. A streaming caller gets a miss; the answer it gets replaces the entry.
            lookup.Replay = CompletionReplay.Prepare(hit.Entry.Response);
            if (lookup.Replay is null)
            {
                lookup.Hit = null;
                stats.Count(CacheCounter.NotReplayable);
            }
        }

        stats.Looked(lookup);
        return lookup;
    }

    /// <summary>
    /// After a miss that was answered in full: the answer goes to the store (and the semantic index) off the request
    /// path. In shadow mode, also whether the answer the semantic layer would have served agrees with the real one.
    /// </summary>
    /// <param name="lookup">The request's lookup.</param>
    /// <param name="answer">The answer as the caller got it (a stream assembled into its chat.completion).</param>
    /// <param name="check">Whether the writer must check the answer is storable (an upstream's JSON as it came).</param>
    /// <param name="usage">What the call used.</param>
    /// <param name="cost">What the call cost.</param>
    /// <param name="options">Gateway:Caching.</param>
    public string AfterAnswer(CacheLookup lookup, byte[] answer, bool check, TokenUsage usage, decimal cost, CachingOptions options)
    {
        var status = lookup.Status;
        if (lookup.Shadow is { } shadow)
        {
            var agreed = AnswerAgreement.Agrees(shadow.Entry.Response, answer);
            stats.Count(agreed ? CacheCounter.ShadowAgreed : CacheCounter.ShadowDisagreed);
            status = agreed ? CacheStatuses.ShadowAgreed : CacheStatuses.ShadowDisagreed;
        }

        if (!lookup.Plan.Write) // (the recorder kept nothing over MaxEntryBytes)
        {
            return status;
        }

        var now = time.GetUtcNow();
        writer.Enqueue(new CacheEntry
        {
            Key = lookup.Fingerprint.Key,
            Partition = lookup.Fingerprint.Partition,
            Response = answer,
            CreatedAt = now,
            ExpiresAt = now + lookup.Plan.Ttl(options),
            Usage = usage,
            CostUsd = cost,
            SemanticPartition = lookup.Vector is null ? null : lookup.SemanticPartition,
            SemanticText = lookup.Vector is null ? null : lookup.Fingerprint.SemanticText,
            Vector = lookup.Vector,
        }, check);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache lookup failed; the request goes on as a miss")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception);
}
