using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Health;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The request flow for every endpoint that reaches a provider:
/// authenticate → read the body once → parse and validate → select the model → call deployments in
/// order until one answers → relay. A failure before the first byte moves to the next deployment;
/// after it, the caller gets an in-band error and never a clean end.
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
            if ((badFault ?? badOverride) is { } badHeader)
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
            var call = new AttemptCall(request, governed, snapshot, requestId, governed.Trace, fault) { Override = routingOverride };
            await ForwardAsync(context, format, request, governed, call, started);
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

    private async Task ForwardAsync(HttpContext context, ICallerFormat format, ParsedRequest request, GovernedRequest governed, AttemptCall call, long started)
    {
        var aborted = context.RequestAborted;
        var snapshot = call.Snapshot;
        var resilience = snapshot.Resilience;
        var routing = new RoutingContext(request, snapshot, () => governed.PromptTokens, random, time);
        var model = governed.Model;
        if (call.Override is { } custom)
        {
            call.Trace.Note("override");
            model = custom.Apply(model, snapshot);
        }

        var plan = planner.Plan(model, routing, call.Trace);
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(resilience.RequestDeadlineSeconds), started, time, aborted);
        var queueUntil = time.GetUtcNow().AddMilliseconds(resilience.Queue.MaxWaitMs);
        try
        {
            while (true)
            {
                var blocked = new List<RouteCandidate>();
                if (await TryCandidatesAsync(context, format, call, plan, routing, blocked, started, deadline))
                {
                    return;
                }

                // Nothing was even tried because every candidate was busy, cooling or open: wait for capacity (bounded)
                // and try those again, rather than failing a request a moment's patience would have served.
                var bound = queueUntil - time.GetUtcNow();
                if (call.Attempts > 0 || blocked.Count == 0 || bound <= TimeSpan.Zero
                    || !await queue.WaitAsync(IsBatch(context.Request), bound, EarliestReady(blocked), resilience.Queue.MaxWaiters, deadline.Token))
                {
                    if (call.Attempts == 0 && blocked.Count > 0)
                    {
                        SetServedHeaders(context.Response, null, call, started);
                        await format.WriteErrorAsync(context.Response, Unavailable(governed.Model.Name, blocked));
                        return;
                    }

                    break;
                }

                call.Trace.Note("queued");
                plan = blocked;
            }
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            SetServedHeaders(context.Response, null, call, started);
            await format.WriteErrorAsync(context.Response, GatewayError.DeadlineExceeded(deadline.Limit));
            return;
        }

        SetServedHeaders(context.Response, call.Deployment, call, started);
        await format.WriteFailureAsync(context.Response, call.Failure ?? new UpstreamFailure(GatewayError.ModelUnavailable(governed.Model.Name), FailureAction.ReturnToCaller, "no candidate"));
    }

    /// <summary>
    /// Tries the plan's candidates in order until one answers (true, the answer relayed). Candidates that cannot take
    /// the request now go to <paramref name="blocked"/>; a provider's "prompt too long" moves to the model's
    /// long-context model; a failure that is the request's own ends the loop.
    /// </summary>
    private async Task<bool> TryCandidatesAsync(
        HttpContext context, ICallerFormat format, AttemptCall call, List<RouteCandidate> plan, RoutingContext routing, List<RouteCandidate> blocked, long started, RequestDeadline deadline)
    {
        var snapshot = call.Snapshot;
        var hedgedTo = new HashSet<RouteCandidate>();
        for (var i = 0; i < plan.Count; i++)
        {
            var candidate = plan[i];
            if (hedgedTo.Contains(candidate))
            {
                continue;
            }

            if (Unavailable(candidate) is { } why)
            {
                call.Trace.Skipped(candidate.Deployment.Name, why);
                blocked.Add(candidate);
                continue;
            }

            var retry = i == plan.Count - 1 ? candidate.Model.Policy.Retry ?? snapshot.Resilience.Retry : null;
            var attempt = candidate.Model.Policy.Hedge is { } hedge && i < plan.Count - 1
                ? await hedging.RunAsync(call, candidate, () => NextAvailable(plan, i + 1, hedgedTo), hedge, deadline.Token)
                : await runner.RunAsync(new Attempt(call, candidate), retry, deadline.For(candidate.Deployment.Timeouts.Total), deadline);
            call.Deployment = attempt.Candidate.Deployment;
            if (attempt.Result.Response is { } upstream)
            {
                await RelayAsync(context, format, attempt, upstream, started);
                return true;
            }

            var failure = attempt.Result.Failure!;
            LogAttemptFailed(logger, call.RequestId, attempt.Candidate.Deployment.Name, failure.Reason, failure.Action);
            if (FailureKinds.IsContextLengthExceeded(failure) && candidate.Model.Policy.LongContextModel is { } longer
                && snapshot.Models.TryGetValue(longer, out var longModel) && !plan.Any(c => c.Model == longModel))
            {
                call.Trace.Note("too long: " + longer);
                plan.InsertRange(i + 1, planner.Candidates(longModel, routing, call.Trace).Where(c => !plan.Any(p => p.Deployment.Name == c.Deployment.Name)).ToList());
                continue;
            }

            if (failure.Action == FailureAction.ReturnToCaller && !candidate.Model.Policy.FailoverOnStatus.Contains(failure.Error.Status))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The first candidate from <paramref name="from"/> on that can take the request now (for a hedge), marked as used.</summary>
    private static RouteCandidate? NextAvailable(List<RouteCandidate> plan, int from, HashSet<RouteCandidate> used)
    {
        for (var j = from; j < plan.Count; j++)
        {
            if (!used.Contains(plan[j]) && Unavailable(plan[j]) is null)
            {
                used.Add(plan[j]);
                return plan[j];
            }
        }

        return null;
    }

    private async Task RelayAsync(HttpContext context, ICallerFormat format, Attempt attempt, UpstreamResponse upstream, long started)
    {
        var call = attempt.Call;
        var deployment = attempt.Candidate.Deployment;
        var health = attempt.Candidate.Health;
        var attemptStarted = time.GetTimestamp() - (long)(attempt.FirstByte.TotalSeconds * time.TimestampFrequency);
        try
        {
            using (upstream)
            {
                SetServedHeaders(context.Response, deployment, call, started);
                call.Governed.BeforeWrite(context.Response, upstream, attempt.Number);
                var outcome = await upstream.WriteAsync(context.Response, format, context.RequestAborted);
                call.Governed.Completed(outcome, context.Response.StatusCode, attempt.Number);
                health.Latency.Add(attempt.FirstByte, time.GetElapsedTime(attemptStarted), time.GetUtcNow());
                health.CountUsage(outcome.Usage?.TotalTokens ?? 0);
                LogCompleted(logger, call.RequestId, call.Request.Model, deployment.Name, call.Attempts, outcome.Completed, outcome.Usage?.InputTokens ?? 0, outcome.Usage?.OutputTokens ?? 0);
            }
        }
        finally
        {
            health.End();
        }
    }

    /// <summary>Why a candidate cannot take a request now, or null. The breaker goes last: admitting a half-open probe reserves it.</summary>
    private static string? Unavailable(RouteCandidate candidate)
    {
        var health = candidate.Health;
        var routing = candidate.Deployment.Routing;
        if (health.IsCooling)
        {
            return "cooling";
        }

        if (routing.MaxConcurrency is { } max && health.InFlight >= max)
        {
            return "busy";
        }

        if (health.Headroom(routing) is <= 0)
        {
            return "no-headroom";
        }

        return health.Breaker.TryAcquire() ? null : "open";
    }

    private GatewayError Unavailable(string model, List<RouteCandidate> blocked)
    {
        var now = time.GetUtcNow();
        var ready = EarliestReady(blocked) ?? now.AddSeconds(1);
        var seconds = (int)Math.Clamp(Math.Ceiling((ready - now).TotalSeconds), 1, 3600);
        var unhealthy = blocked.All(c => c.Health.Breaker.State != BreakerState.Closed);
        return GatewayError.NoDeploymentAvailable(model, unhealthy, seconds);
    }

    /// <summary>When the first blocked candidate is due back by itself (a cool-down ending or a breaker's probe), if any is.</summary>
    private DateTimeOffset? EarliestReady(List<RouteCandidate> blocked)
    {
        DateTimeOffset? earliest = null;
        var now = time.GetUtcNow();
        foreach (var candidate in blocked)
        {
            var health = candidate.Health;
            var due = health.IsCooling ? health.CoolingUntil : health.Breaker.State == BreakerState.Open ? health.Breaker.OpenUntil : (DateTimeOffset?)null;
            if (due is { } at && at > now && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }

        return earliest;
    }

    private static bool IsBatch(HttpRequest request) =>
        request.Headers.TryGetValue(GatewayHeaders.Priority, out var priority) && string.Equals(priority, "batch", StringComparison.OrdinalIgnoreCase);

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

    private void SetServedHeaders(HttpResponse response, Deployment? deployment, AttemptCall call, long started)
    {
        var total = time.GetElapsedTime(started);
        var upstream = TimeSpan.FromSeconds((double)call.UpstreamTicks / time.TimestampFrequency);
        var overhead = Math.Max(0, (total - upstream).TotalMilliseconds);
        var headers = response.Headers;
        if (deployment is not null)
        {
            headers[GatewayHeaders.Deployment] = deployment.Name;
            headers[GatewayHeaders.Provider] = deployment.Provider.Type;
        }

        headers[GatewayHeaders.Attempts] = call.Attempts.ToString(CultureInfo.InvariantCulture);
        headers[GatewayHeaders.Route] = call.Trace.ToString();
        headers[GatewayHeaders.OverheadMs] = overhead.ToString("0.###", CultureInfo.InvariantCulture);
        headers[GatewayHeaders.ServerTiming] = string.Create(
            CultureInfo.InvariantCulture, $"gateway;dur={overhead:0.###}, upstream;dur={upstream.TotalMilliseconds:0.###}");
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} for {Model} served by {Deployment} after {Attempts} attempt(s), complete={Completed}, tokens in={InputTokens} out={OutputTokens}")]
    private static partial void LogCompleted(ILogger logger, string requestId, string model, string deployment, int attempts, bool completed, long inputTokens, long outputTokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: deployment {Deployment} failed ({Reason}); decision: {Action}")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string deployment, string reason, FailureAction action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);
}
