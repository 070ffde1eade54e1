using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Configuration;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Health;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// The routed half of the request flow: plan the candidates, skip those that cannot take the request now, attempt
/// (with hedges, retries and the long-context move), wait for capacity when everything is blocked, relay the answer.
/// </summary>
public sealed partial class ProxyHandler
{
    /// <summary>
    /// Plans the candidates and tries them; when none could even be tried (all busy, cooling or open), waits for
    /// capacity within the queue's bound and tries those again, rather than failing a request a moment's patience
    /// would have served. Everything ends by the request's deadline.
    /// </summary>
    private async Task ForwardAsync(HttpContext context, ICallerFormat format, AttemptCall call, long started)
    {
        var aborted = context.RequestAborted;
        var snapshot = call.Snapshot;
        var resilience = snapshot.Resilience;
        var governed = call.Governed;
        var routing = new RoutingContext(call.Request, snapshot, () => governed.PromptTokens, random, time);
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

                if (call.Attempts > 0 || blocked.Count == 0)
                {
                    break; // a real failure to report
                }

                var bound = queueUntil - time.GetUtcNow();
                if (bound <= TimeSpan.Zero
                    || !await queue.WaitAsync(IsBatch(context.Request), bound, RouteCandidate.EarliestDueBack(blocked, time.GetUtcNow()), resilience.Queue.MaxWaiters, deadline.Token))
                {
                    SetServedHeaders(context.Response, null, call, started);
                    await format.WriteErrorAsync(context.Response, NoneAvailable(governed.Model.Name, blocked));
                    return;
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

            if (candidate.WhyUnavailable() is { } why)
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
            if (!used.Contains(plan[j]) && plan[j].WhyUnavailable() is null)
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

    /// <summary>Every candidate was blocked: 503 when all are failing, else 429; Retry-After when the first is due back.</summary>
    private GatewayError NoneAvailable(string model, List<RouteCandidate> blocked)
    {
        var now = time.GetUtcNow();
        var ready = RouteCandidate.EarliestDueBack(blocked, now) ?? now.AddSeconds(1);
        var seconds = (int)Math.Clamp(Math.Ceiling((ready - now).TotalSeconds), 1, 3600);
        var unhealthy = blocked.All(c => c.Health.Breaker.State != BreakerState.Closed);
        return GatewayError.NoDeploymentAvailable(model, unhealthy, seconds);
    }

    private static bool IsBatch(HttpRequest request) =>
        request.Headers.TryGetValue(GatewayHeaders.Priority, out var priority) && string.Equals(priority, "batch", StringComparison.OrdinalIgnoreCase);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} for {Model} served by {Deployment} after {Attempts} attempt(s), complete={Completed}, tokens in={InputTokens} out={OutputTokens}")]
    private static partial void LogCompleted(ILogger logger, string requestId, string model, string deployment, int attempts, bool completed, long inputTokens, long outputTokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: deployment {Deployment} failed ({Reason}); decision: {Action}")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string deployment, string reason, FailureAction action);
}
