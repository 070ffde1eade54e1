using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Caching;
using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The request flow for every endpoint that reaches a provider:
/// authenticate → read the body once → parse and validate → select the model → admit → route (ProxyHandler.Forwarding:
/// call candidates until one answers) → relay. A failure before the first byte moves to the next candidate; after it,
/// the caller gets an in-band error and never a clean end.
/// </summary>
public sealed partial class ProxyHandler(
    GatewayConfigStore config,
    IIdentityResolver identities,
    GovernanceServices governance,
    RoutePlanner planner,
    AttemptRunner runner,
    HedgedAttempts hedging,
    CapacityWaiters queue,
    IRandomSource random,
    ResponseCache cache,
    TimeProvider time,
    ILogger<ProxyHandler> logger)
{
    private readonly ModelSelector selector = new(governance.Tokens, random);

    public Task HandleChatCompletionsAsync(HttpContext context) => HandleAsync(context, ChatRequestParser.Parse, OpenAICallerFormat.Instance);

    public Task HandleEmbeddingsAsync(HttpContext context) => HandleAsync(context, EmbeddingsRequestParser.Parse, OpenAICallerFormat.Instance);

    /// <summary>
    /// The flow for a caller that speaks <paramref name="format"/>'s API: <paramref name="parse"/> turns its
    /// body into the OpenAI-format request every provider adapter takes, and the format writes every
    /// answer, stream and error back in the caller's API.
    /// </summary>
    public async Task HandleAsync<T>(HttpContext context, Func<PooledBody, ParseResult<T>> parse, ICallerFormat format)
        where T : ParsedRequest
    {
        var started = time.GetTimestamp();
        var requestId = RequestIds.Assign(context, time);
        var snapshot = config.Current;
        var aborted = context.RequestAborted;
        try
        {
            var identity = await identities.ResolveAsync(context.Request, snapshot, aborted);
            if (identity.Caller is not { } caller)
            {
                await format.WriteErrorAsync(context.Response, identity.Error!);
                return;
            }

            if (!IsJsonOrUnlabelled(context.Request))
            {
                await format.WriteErrorAsync(context.Response, GatewayError.UnsupportedMediaType());
                return;
            }

            var read = await PooledBody.ReadAsync(context.Request, snapshot.MaxRequestBodyBytes, aborted);
            if (read.Error is { } tooLarge)
            {
                await format.WriteErrorAsync(context.Response, tooLarge);
                return;
            }

            using var body = read.Body!;
            var parsed = parse(body);
            if (parsed.Error is { } invalid)
            {
                await format.WriteErrorAsync(context.Response, invalid);
                return;
            }

            var request = parsed.Value!;
            if (Requested(snapshot, caller, request.Model) is { } refused)
            {
                await format.WriteErrorAsync(context.Response, refused);
                return;
            }

            if (UsageTags.ReadHeader(context.Request, out var headerTags) is { } badTags)
            {
                await format.WriteErrorAsync(context.Response, badTags);
                return;
            }

            var fault = FaultRequest.Read(context.Request, caller, out var badFault);
            var routingOverride = RoutingOverride.Read(context.Request, caller, snapshot, out var badOverride);
            var badCache = CacheDirectivesReader.ReadHeaders(context.Request.Headers, out var cacheHeaders);
            if ((badFault ?? badOverride ?? badCache) is { } badHeader)
            {
                await format.WriteErrorAsync(context.Response, badHeader);
                return;
            }

            var tags = UsageTags.Merge(caller.Tags, headerTags, request);
            var selection = selector.Select(snapshot.Selection, new SelectionInput(caller, request, context.Request.Headers, tags), out var refusal);
            var model = selection is null ? null : Servable(snapshot, selection.Model, out refusal);
            if (model is null)
            {
                await format.WriteErrorAsync(context.Response, refusal!);
                return;
            }

            WriteSelectionHeaders(context.Response, request.Model, selection!);
            using var governed = new GovernedRequest(governance, snapshot, caller, request, model, requestId, started, tags, aborted) { Selection = selection };
            governed.ApplyBudgetPolicy();
            var limited = await governed.AdmitAsync(aborted);
            governed.WriteRateHeaders(context.Response.Headers);
            if (limited is not null)
            {
                await format.WriteErrorAsync(context.Response, limited);
                return;
            }

            if (governed.DowngradedFrom is { } asked)
            {
                context.Response.Headers[GatewayHeaders.DowngradedFrom] = asked;
            }

            governed.Trace = new RouteTrace();
            // A fault drill or a request's own targets must reach a deployment: the cache steps aside for them.
            var directives = fault is null && routingOverride?.Targets is null ? request.Cache.Under(cacheHeaders) : CacheDirectives.Bypass;
            var cached = await LookupCacheAsync(context, format, snapshot, caller, governed, request, directives, requestId, started);
            if (cached.Served)
            {
                return;
            }

            await ForwardAsync(context, cached.Format, new AttemptCall(request, governed, snapshot, requestId, governed.Trace, fault) { Override = routingOverride }, started);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller went away; its cancellation has already cancelled the upstream call.
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel refused the body itself (truncated, malformed chunking, too slow).
            await WriteIfNotStartedAsync(context, format, new GatewayError(ex.StatusCode, "The request body could not be read: " + ex.Message, GatewayError.InvalidRequestType, "invalid_body"));
        }
        catch (Exception ex)
        {
            LogUnexpected(logger, ex, requestId);
            await WriteIfNotStartedAsync(context, format, GatewayError.Internal(requestId));
        }
    }

    /// <summary>The name the caller asked for must be one it may use: a configured model or the auto model.</summary>
    private static GatewayError? Requested(GatewaySnapshot snapshot, CallerIdentity caller, string name)
    {
        if (!snapshot.Models.ContainsKey(name) && !snapshot.Selection.IsAutoModel(name))
        {
            var names = snapshot.Models.Keys.Concat(snapshot.Selection.ExtraModelNames);
            return GatewayError.ModelNotFound(name, names.Where(caller.MayUse).Order(StringComparer.Ordinal));
        }

        return caller.MayUse(name) ? null : GatewayError.ModelNotAllowed(name);
    }

    /// <summary>
    /// The model selection chose must have a usable deployment. The caller need not be allowed it by name: the
    /// operator's routes, tiers and canaries decide what serves a name the caller is allowed.
    /// </summary>
    private static LogicalModel? Servable(GatewaySnapshot snapshot, string name, out GatewayError? refusal)
    {
        refusal = snapshot.Models.TryGetValue(name, out var model) && model.IsServable ? null : GatewayError.ModelUnavailable(name);
        return refusal is null ? model : null;
    }

    /// <summary>x-gateway-model when another logical model serves the request; x-gateway-selection when any selection step applied.</summary>
    private static void WriteSelectionHeaders(HttpResponse response, string requested, ModelSelection selection)
    {
        if (!string.Equals(selection.Model, requested, StringComparison.Ordinal))
        {
            response.Headers[GatewayHeaders.Model] = selection.Model;
        }

        if (selection.Reason.Length > 0)
        {
            response.Headers[GatewayHeaders.Selection] = selection.Reason;
        }
    }

    private static async Task WriteIfNotStartedAsync(HttpContext context, ICallerFormat format, GatewayError error)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await format.WriteErrorAsync(context.Response, error);
        }
        else if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true)
        {
            // A bug mid-stream (expected failures are the relay's): an error event so the caller sees no clean end.
            await format.WriteStreamErrorAsync(context.Response, error);
        }
    }

    /// <summary>A body labelled as something else (a form, text) is refused; an unlabelled one is read as JSON.</summary>
    private static bool IsJsonOrUnlabelled(HttpRequest request) =>
        string.IsNullOrEmpty(request.ContentType) || request.HasJsonContentType();

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);
}
