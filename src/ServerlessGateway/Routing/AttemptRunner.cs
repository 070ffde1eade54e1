using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;
using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing.Health;

namespace ServerlessGateway.Routing;

/// <summary>
/// Sends a request to one candidate: reserves the attempt's budget on that deployment, calls it, and reports the
/// outcome to its health (breaker, cool-down). When no other candidate is left, a transient failure is retried on
/// the same deployment by a Polly retry pipeline — exponential backoff with jitter, or the upstream's Retry-After
/// when it is within the cap — inside the request's deadline.
/// </summary>
public sealed class AttemptRunner(ProviderRegistry providers, FaultInjector faults, IRandomSource random, TimeProvider time)
{
    private static readonly ResiliencePropertyKey<Attempt> AttemptKey = new("gateway.attempt");

    private readonly ConditionalWeakTable<RetryOptions, ResiliencePipeline<UpstreamResult>> pipelines = [];

    /// <summary>
    /// Tries the attempt's candidate; with <paramref name="retry"/> (the last candidate), transient failures are
    /// retried on it, within <paramref name="deadline"/>. The attempt then holds the result, its number and its time
    /// to the answer.
    /// </summary>
    public async ValueTask<Attempt> RunAsync(Attempt attempt, RetryOptions? retry, CancellationToken cancellationToken, RequestDeadline? deadline = null)
    {
        // The first try goes straight out: the retry pipeline is only entered once there is something to retry.
        attempt.Result = await SendOnceAsync(attempt, cancellationToken);
        if (retry is not { MaxRetries: > 0 } || !ShouldRetry(attempt.Result, 0, retry))
        {
            return attempt;
        }

        // Retries may run long: from here on the request's deadline applies (the first try ended within its own limit).
        var context = ResilienceContextPool.Shared.Get(deadline?.Token ?? cancellationToken);
        try
        {
            context.Properties.Set(AttemptKey, attempt);
            attempt.Replay = true;
            var pipeline = pipelines.GetValue(retry, Build);
            attempt.Result = await pipeline.ExecuteAsync(static (ctx, self) => self.RetryAsync(ctx.Properties.GetValue(AttemptKey, null!), ctx.CancellationToken), context, this);
            return attempt;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The pipeline's first execution hands back the failure already seen; later ones send again — unless the
    /// deployment can no longer take it (its breaker opened, say, on the very failure being retried), which ends the
    /// retries with that failure.
    /// </summary>
    private ValueTask<UpstreamResult> RetryAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Replay)
        {
            attempt.Replay = false;
            return ValueTask.FromResult(attempt.Result);
        }

        if (attempt.Candidate.WhyUnavailable() is { } why)
        {
            attempt.Call.Trace.Skipped(attempt.Candidate.Deployment.Name, why);
            attempt.RetryBlocked = true;
            return ValueTask.FromResult(attempt.Result);
        }

        return SendOnceAsync(attempt, cancellationToken);
    }

    private async ValueTask<UpstreamResult> SendOnceAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var call = attempt.Call;
        var candidate = attempt.Candidate;
        var deployment = candidate.Deployment;
        var health = candidate.Health;
        var number = attempt.Number = call.NextAttempt();
        var started = time.GetTimestamp();
        var fault = faults.Plan(deployment, call.Fault);
        var upstreamCall = new UpstreamCall(call.Request, deployment, call.RequestId, call.Snapshot.StreamKeepAlive) { Fault = fault };
        if (fault is not null)
        {
            call.Trace.Note($"fault:{fault.Source} {fault.Kind.ToString().ToLowerInvariant()}");
        }

        var adapter = providers.For(deployment.Provider.Type);
        if ((Untranslatable(call.Request, adapter) ?? await call.Governed.ReserveAsync(deployment, number, cancellationToken, candidate.Model.Name)) is { } refused)
        {
            health.Breaker.OnAbandoned();
            call.Trace.Attempt(deployment.Name, refused.Reason, TimeSpan.Zero);
            return Failed(call, refused, number);
        }

        health.Begin();
        UpstreamResult result;
        try
        {
            result = await adapter.SendAsync(upstreamCall, cancellationToken);
        }
        catch
        {
            health.End();
            health.Breaker.OnAbandoned();
            throw;
        }

        var elapsed = time.GetElapsedTime(started);
        call.AddUpstreamTime(time.GetTimestamp() - started);
        if (result.Response is { } response)
        {
            health.ReportQuota(response.RateHints);
            health.Breaker.OnSuccess();
            attempt.FirstByte = elapsed;
            call.Trace.Attempt(deployment.Name, "ok", elapsed);
            return result; // in flight until the answer has been relayed: the caller ends it
        }

        health.End();
        var failure = result.Failure!;
        Report(call, health, failure);
        call.Trace.Attempt(deployment.Name, Outcome(failure), elapsed);
        return Failed(call, failure, number);
    }

    private static UpstreamResult Failed(AttemptCall call, UpstreamFailure failure, int number)
    {
        call.Governed.Failed(failure, number);
        call.Record(failure);
        return failure;
    }

    private static void Report(AttemptCall call, DeploymentHealth health, UpstreamFailure failure)
    {
        health.ReportQuota(failure.RateHints);
        if (FailureKinds.IsRateLimited(failure))
        {
            var retryAfter = failure.RateHints?.RetryAfter
                ?? (failure.Error.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(call.Snapshot.Resilience.RateLimitCooldownSeconds));
            health.CoolDown(retryAfter);
            health.Breaker.OnAbandoned();
        }
        else if (FailureKinds.CountsAgainstDeployment(failure))
        {
            health.Breaker.OnFailure();
        }
        else if (failure.Action == FailureAction.ReturnToCaller)
        {
            health.Breaker.OnSuccess(); // it answered: the request was at fault, not the deployment
        }
        else
        {
            health.Breaker.OnAbandoned();
        }
    }

    private static string Outcome(UpstreamFailure failure) =>
        failure.Error.Status is > 0 and var status && failure.Reason.StartsWith("status ", StringComparison.Ordinal)
            ? status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : failure.Reason;

    private ResiliencePipeline<UpstreamResult> Build(RetryOptions options) =>
        new ResiliencePipelineBuilder<UpstreamResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<UpstreamResult>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.BaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(options.MaxDelayMs),
                Randomizer = random.NextDouble,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Context.Properties.GetValue(AttemptKey, null!).RetryBlocked
                    && ShouldRetry(args.Outcome.Result, args.AttemptNumber, options)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome)),
                OnRetry = args =>
                {
                    args.Context.Properties.GetValue(AttemptKey, null!).Call.Trace.Waited("retry", args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static bool ShouldRetry(UpstreamResult result, int attempt, RetryOptions options)
    {
        if (attempt >= options.MaxRetries || result.Failure is not { } failure || !FailureKinds.IsTransient(failure))
        {
            return false;
        }

        // A Retry-After past the cap is not waited out: the deployment stays cooling and the request moves on.
        return failure.Error.RetryAfterSeconds is not { } seconds || seconds <= options.MaxRetryAfterSeconds;
    }

    private static TimeSpan? RetryAfter(Outcome<UpstreamResult> outcome) =>
        outcome.Result.Failure is { } failure
            ? failure.RateHints?.RetryAfter ?? (failure.Error.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null)
            : null;

    /// <summary>
    /// A request in another API whose OpenAI translation cannot stand for it (content only that API can
    /// express) goes only to adapters that speak that API natively: any other is refused before sending,
    /// and the next deployment is tried (it may be one that speaks it).
    /// </summary>
    private static UpstreamFailure? Untranslatable(ParsedRequest request, IProviderAdapter adapter) =>
        request is ChatRequest { Original: { Untranslatable: { } error } original } && !adapter.SpeaksNatively(original.Api)
            ? new UpstreamFailure(error, FailureAction.TryNextDeployment, "request not translatable") { NotSent = true }
            : null;
}
