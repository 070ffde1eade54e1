using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Auth;
using ServerlessGateway.Caching;
using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The cache step, between admission and routing: answer from the cache, or route with the caller's format wrapped so
/// the answer is kept and stored once it is complete and priced.
/// </summary>
public sealed partial class ProxyHandler
{
    private readonly record struct CacheStep(bool Served, ICallerFormat Format);

    private async Task<CacheStep> LookupCacheAsync(
        HttpContext context, ICallerFormat format, GatewaySnapshot snapshot, CallerIdentity caller, GovernedRequest governed, ParsedRequest request, CacheDirectives directives, string requestId, long started)
    {
        var model = governed.Model.Name;
        if (CachePlan.For(snapshot.Caching, caller, request, model, directives) is not { } plan)
        {
            return new CacheStep(false, format);
        }

        var lookup = await cache.LookupAsync(plan, request, model, context.RequestAborted);
        governed.CacheStatus = lookup.Status;
        context.Response.Headers[GatewayHeaders.Cache] = lookup.Status;
        if (lookup.Hit is { } hit)
        {
            await ServeCachedAsync(context, format, governed, request, lookup, hit, requestId, started);
            return new CacheStep(true, format);
        }

        if (!plan.Write && lookup.Shadow is null)
        {
            return new CacheStep(false, format);
        }

        var recorder = new RecordingFormat(format, snapshot.Caching.MaxEntryBytes);
        governed.CacheSettle = (usage, cost) => recorder.Answer() is { } answer ? cache.AfterAnswer(lookup, answer, recorder.AnswerAsSent, usage, cost, snapshot.Caching) : lookup.Status;
        return new CacheStep(false, recorder);
    }

    /// <summary>A cached answer: as JSON, or replayed as the OpenAI stream the caller asked for.</summary>
    private async Task ServeCachedAsync(
        HttpContext context, ICallerFormat format, GovernedRequest governed, ParsedRequest request, CacheLookup lookup, CacheHit hit, string requestId, long started)
    {
        var headers = context.Response.Headers;
        var age = Math.Max(0, (time.GetUtcNow() - hit.Entry.CreatedAt).TotalSeconds);
        headers[GatewayHeaders.CacheAge] = ((long)age).ToString(CultureInfo.InvariantCulture);
        if (hit.Similarity is { } similarity)
        {
            headers[GatewayHeaders.CacheSimilarity] = similarity.ToString("0.####", CultureInfo.InvariantCulture);
        }

        headers[GatewayHeaders.CostUsd] = ModelPrice.CostHeaderValue(0);
        headers[GatewayHeaders.SavedUsd] = ModelPrice.CostHeaderValue(hit.Entry.CostUsd);
        headers[GatewayHeaders.Attempts] = "0";
        headers[GatewayHeaders.OverheadMs] = time.GetElapsedTime(started).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        governed.ServedFromCache(hit);
        var aborted = context.RequestAborted;
        if (request is ChatRequest { Stream: true } chat)
        {
            var sink = format.StartStream(context.Response);
            using (var replay = lookup.Replay)
            {
                if (replay is null)
                {
                    sink.Error(GatewayError.Internal(requestId)); // the lookup prepares every streamed hit: not reached
                }
                else
                {
                    replay.Write(sink, chat.CallerWantsStreamUsage);
                    sink.Done();
                }
            }

            await sink.FlushAsync(aborted);
            return;
        }

        await format.WriteAnswerAsync(context.Response, StatusCodes.Status200OK, hit.Entry.Response, aborted);
    }
}
