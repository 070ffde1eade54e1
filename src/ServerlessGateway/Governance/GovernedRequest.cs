using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Auth;
using ServerlessGateway.Budgets;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Governance;

/// <summary>
/// One request's governance: the budget-policy downgrade, admission under rate limits, a budget reservation
/// for every attempt on the deployment actually called, settlement at the real cost, and one usage record per
/// attempt. Disposing it ends everything still open (a cancelled request keeps its worst case as spent).
/// </summary>
public sealed partial class GovernedRequest(
    GovernanceServices services,
    GatewaySnapshot snapshot,
    CallerIdentity caller,
    ParsedRequest request,
    LogicalModel model,
    string requestId,
    long started,
    FrozenDictionary<string, string> tags,
    CancellationToken aborted)
    : IDisposable
{
    private IRateAdmission? admission;

    // Admissions under the per-model limits of fallback models this request went on to (by model name).
    private Dictionary<string, IRateAdmission>? fallbackAdmissions;
    private long? promptTokens;
    // Attempts reserved and not yet ended, by number: one at a time, or two while a hedged request races them.
    private readonly List<OpenAttempt> open = new(1);

    public LogicalModel Model { get; private set; } = model;

    /// <summary>How the served logical model was chosen (route, tier, canary variant), for the usage record.</summary>
    public ModelSelection? Selection { get; init; }

    /// <summary>The routing decision trace, recorded with every attempt.</summary>
    public RouteTrace? Trace { get; set; }

    /// <summary>The model the caller asked for, when the budget policy served a cheaper one.</summary>
    public string? DowngradedFrom { get; private set; }

    /// <summary>The cost of the served attempt, once known (before the body for buffered answers).</summary>
    public decimal? Cost { get; private set; }

    private bool IsExempt => snapshot.Governance.BudgetPolicy.ExemptModels.Contains(Model.Name);

    /// <summary>Past the policy's DowngradeAt share of a budget, a model with a cheaper DowngradeTo is served by it.</summary>
    public void ApplyBudgetPolicy()
    {
        if (snapshot.Governance.BudgetPolicy.DowngradeAt is { } at && Model.DowngradeTo is { } cheaper && !IsExempt && caller.MayUse(cheaper)
            && snapshot.Models.TryGetValue(cheaper, out var target) && target.IsServable && services.Budgets.UsedFraction(caller) >= at)
        {
            DowngradedFrom = Model.Name;
            Model = target;
        }
    }

    /// <summary>
    /// Admits the request under every rate limit it falls under; a refusal is recorded and returned. Token limits are
    /// asked first with the prompt's free upper bound (its bytes): far from a limit that is enough, and the tokenizer
    /// never runs; only when the bound does not fit is the prompt counted and admission asked again, so the bound
    /// never refuses what the count would admit. Either way the tokens are settled at the real usage afterwards.
    /// </summary>
    public async ValueTask<GatewayError?> AdmitAsync(CancellationToken cancellationToken)
    {
        var needsTokens = NeedsTokenEstimate();
        var output = needsTokens ? AdmissionEstimate.OutputTokens(request, snapshot.Governance.DefaultMaxTokens) : 0;
        admission = await services.Limiter.AdmitAsync(caller, Model.Name, needsTokens ? PromptBound() + output : 0, cancellationToken);
        if (admission.Refusal is { Type: RateLimitText.TokensType } && promptTokens is null)
        {
            admission.Dispose();
            admission = await services.Limiter.AdmitAsync(caller, Model.Name, Prompt() + output, cancellationToken);
        }

        if (admission.Refusal is { } refusal)
        {
            Record(0, null, default, cost: 0, estimated: false, refusal.Status, refusal.Code);
        }

        return admission.Refusal;
    }

    public void WriteRateHeaders(IHeaderDictionary headers) => admission?.WriteHeaders(headers);

    /// <summary>
    /// A fallback model's own per-model limits, checked once per model the request goes on to (the request's overall
    /// limits were taken at admission). Its tokens settle with the attempt that answers there, or at zero.
    /// </summary>
    private async ValueTask<GatewayError?> AdmitFallbackAsync(string model, CancellationToken cancellationToken)
    {
        fallbackAdmissions ??= new Dictionary<string, IRateAdmission>(StringComparer.Ordinal);
        if (fallbackAdmissions.ContainsKey(model) || !caller.Scopes.Any(s => s.Limits.PerModel.ContainsKey(model)))
        {
            return null;
        }

        var tokens = caller.Scopes.Any(s => s.Limits.LimitsTokens(model)) ? PromptBound() + AdmissionEstimate.OutputTokens(request, snapshot.Governance.DefaultMaxTokens) : 0;
        var fallback = await services.Limiter.AdmitAsync(caller, model, tokens, cancellationToken, modelLimitsOnly: true);
        if (fallback.Refusal is { } refusal)
        {
            fallback.Dispose();
            return refusal;
        }

        fallbackAdmissions[model] = fallback;
        return null;
    }

    /// <summary>
    /// Reserves the attempt's worst-case cost at <paramref name="deployment"/>'s prices. A refusal is recorded
    /// and returned as a failure that moves on (a later deployment may be free) — no call is made.
    /// </summary>
    public async ValueTask<UpstreamFailure?> ReserveAsync(Deployment deployment, int attempt, CancellationToken cancellationToken, string? model = null)
    {
        Open(new OpenAttempt(deployment, attempt) { Model = model });
        if (model is not null && model != Model.Name && await AdmitFallbackAsync(model, cancellationToken) is { } limited)
        {
            return Refuse(attempt, limited, "rate limited");
        }

        var price = deployment.Price;
        if (!caller.Scopes.Any(s => s.Budget is not null) || IsExempt || price is { IsFree: true })
        {
            return null;
        }

        if (price is null)
        {
            return Refuse(attempt, GatewayError.Unpriced(deployment.Name), "unpriced deployment");
        }

        // As for token limits: the prompt's free bound first, its count only if the bound does not fit the budget.
        var worstCase = WorstCase(price, PromptBound());
        var reservation = await services.Budgets.ReserveAsync(caller, worstCase, cancellationToken);
        if (reservation.Refusal is not null && promptTokens is null)
        {
            reservation.Dispose();
            worstCase = WorstCase(price, Prompt());
            reservation = await services.Budgets.ReserveAsync(caller, worstCase, cancellationToken);
        }

        if (reservation.Refusal is { } refusal)
        {
            reservation.Dispose();
            return Refuse(attempt, refusal, "budget exhausted");
        }

        Open(new OpenAttempt(deployment, attempt) { Reservation = reservation, WorstCase = worstCase });
        return null;
    }

    /// <summary>Before the answer is written: a buffered answer's cost is known, and goes out as a header.</summary>
    public void BeforeWrite(HttpResponse response, UpstreamResponse upstream, int attempt)
    {
        if (Find(attempt) is not { } served)
        {
            return;
        }

        Open(served with { FirstByte = services.Time.GetElapsedTime(started) });
        if (upstream is BufferedUpstreamResponse { Usage: { } usage })
        {
            Cost = served.Deployment.Price?.Cost(usage) ?? 0;
            response.Headers[GatewayHeaders.CostUsd] = ModelPrice.CostHeaderValue(Cost.Value);
        }
    }

    /// <summary>The attempt answered: settle its reservation and tokens at the real usage, and record it.</summary>
    public void Completed(RelayOutcome outcome, int status, int number)
    {
        if (Take(number) is not { } attempt)
        {
            return;
        }

        var estimated = outcome.Usage is null;
        var usage = outcome.Usage ?? new TokenUsage(Prompt(), AdmissionEstimate.OutputTokens(request, snapshot.Governance.DefaultMaxTokens));
        var cost = estimated && attempt.Reservation is not null ? attempt.WorstCase : attempt.Deployment.Price?.Cost(usage) ?? 0;
        Cost = cost;
        attempt.Reservation?.Settle(cost);
        admission?.SettleTokens(usage.TotalTokens);
        if (attempt.Model is { } served && fallbackAdmissions?.GetValueOrDefault(served) is { } fallback)
        {
            fallback.SettleTokens(usage.TotalTokens);
        }
        // Only the request's own model's answer is stored under its key: a fallback's answer after an outage would
        // otherwise be served for the whole TTL once the primary is back.
        if (outcome.Completed && CacheSettle is { } settle && (attempt.Model is null || attempt.Model == Model.Name))
        {
            CacheStatus = CacheSettleSafely(settle, usage, cost);
        }

        Record(attempt.Number, attempt.Deployment, usage, cost, estimated, status, outcome.Completed ? null : outcome.Failure ?? "incomplete", attempt);
    }

    /// <summary>The attempt failed before answering: providers bill nothing for an error, so it settles at zero.</summary>
    public void Failed(UpstreamFailure failure, int number)
    {
        if (Take(number) is not { } attempt)
        {
            return;
        }

        attempt.Reservation?.Settle(0);
        Record(attempt.Number, attempt.Deployment, default, 0, estimated: false, failure.Error.Status, failure.Reason, attempt);
    }

    /// <summary>
    /// An attempt the gateway gave up on while it may have been running (the losing half of a hedged request): the
    /// upstream may have billed anything up to its worst case, which is what it keeps and records, as an estimate.
    /// </summary>
    public void Abandoned(int number, string reason)
    {
        if (Take(number) is { } attempt)
        {
            EndAtWorstCase(attempt, StatusCodes.Status499ClientClosedRequest, reason);
        }
    }

    /// <summary>
    /// Ends what is still open. An attempt cut off by a cancellation or a fault may have been billed for anything
    /// up to its worst case, which is what it keeps and records (marked as an estimate) whether or not a budget
    /// applies. Tokens admitted for a request that no attempt answered go back to the token limits.
    /// </summary>
    public void Dispose()
    {
        OpenAttempt[] remaining;
        lock (open)
        {
            remaining = [.. open];
            open.Clear();
        }

        foreach (var attempt in remaining)
        {
            var (status, error) = aborted.IsCancellationRequested ? (StatusCodes.Status499ClientClosedRequest, "cancelled") : (StatusCodes.Status500InternalServerError, "internal_error");
            EndAtWorstCase(attempt, status, error);
        }

        admission?.SettleTokens(0);
        admission?.Dispose();
        foreach (var fallback in fallbackAdmissions?.Values ?? Enumerable.Empty<IRateAdmission>())
        {
            fallback.SettleTokens(0); // no-op for the one already settled by its answer
            fallback.Dispose();
        }
    }

    private decimal WorstCase(ModelPrice price, long prompt) =>
        price.WorstCase(prompt, AdmissionEstimate.OutputTokens(request, price.MaxOutputTokens ?? snapshot.Governance.DefaultMaxTokens));

    /// <summary>The prompt's count when it is known, else its free upper bound (else the count).</summary>
    private long PromptBound() => promptTokens ?? AdmissionEstimate.PromptUpperBound(request) ?? Prompt();

    private void EndAtWorstCase(OpenAttempt attempt, int status, string error)
    {
        attempt.Reservation?.Dispose();
        var price = attempt.Deployment.Price;
        var usage = new TokenUsage(Prompt(), AdmissionEstimate.OutputTokens(request, price?.MaxOutputTokens ?? snapshot.Governance.DefaultMaxTokens));
        var cost = attempt.Reservation is not null ? attempt.WorstCase : price is null ? 0 : WorstCase(price, Prompt());
        Record(attempt.Number, attempt.Deployment, usage, cost, estimated: true, status, error, attempt);
    }

    private void Open(OpenAttempt attempt)
    {
        lock (open)
        {
            open.RemoveAll(a => a.Number == attempt.Number);
            open.Add(attempt);
        }
    }

    private OpenAttempt? Find(int number)
    {
        lock (open)
        {
            return open.Find(a => a.Number == number);
        }
    }

    private OpenAttempt? Take(int number)
    {
        lock (open)
        {
            var index = open.FindIndex(a => a.Number == number);
            if (index < 0)
            {
                return null;
            }

            var attempt = open[index];
            open.RemoveAt(index);
            return attempt;
        }
    }

    private UpstreamFailure Refuse(int number, GatewayError error, string reason)
    {
        var attempt = Take(number)!;
        Record(attempt.Number, attempt.Deployment, default, 0, estimated: false, error.Status, error.Code ?? reason, attempt);

        // Not "NotSent": a refusal is the reason the request went unserved, so it is what the caller sees
        // unless a later deployment answers or fails for a reason of its own.
        return new UpstreamFailure(error, FailureAction.TryNextDeployment, reason) { IsRefusal = true };
    }

    /// <summary>The prompt's token estimate, counted once for admission, budgets and routing.</summary>
    public long PromptTokens => Prompt();

    private long Prompt() => promptTokens ??= AdmissionEstimate.PromptTokens(request, services.Tokens);

    private bool NeedsTokenEstimate()
    {
        foreach (var scope in caller.Scopes)
        {
            if (scope.Limits.LimitsTokens(Model.Name))
            {
                return true;
            }
        }

        return false;
    }

    private void Record(int attempt, Deployment? deployment, TokenUsage usage, decimal cost, bool estimated, int status, string? error, OpenAttempt? open = null) =>
        services.Usage.Record(new UsageRecord
        {
            RequestId = requestId,
            Attempt = attempt,
            Timestamp = services.Time.GetUtcNow(),
            KeyId = caller.KeyId,
            UserId = caller.UserId,
            TeamId = caller.TeamId,
            OrganizationId = caller.OrganizationId,
            RequestedModel = request.Model,
            ServedModel = deployment?.UpstreamModel,
            Deployment = deployment?.Name,
            Provider = deployment?.Provider.Type,
            Usage = usage,
            UsageEstimated = estimated,
            CostUsd = cost,
            LatencyMs = services.Time.GetElapsedTime(started).TotalMilliseconds,
            TimeToFirstTokenMs = request is ChatRequest { Stream: true } ? open?.FirstByte?.TotalMilliseconds : null,
            Status = status,
            Error = error,
            Tags = tags,
            Budgets = open?.Reservation?.Charges ?? [],
            Route = Trace?.ToString(),
            Variant = Selection?.Variant,
            CacheStatus = CacheStatus,
            SavedCostUsd = savedCost,
        });

    /// <summary>The attempt in progress: where it went, and its reservation if a budget applies.</summary>
    private sealed record OpenAttempt(Deployment Deployment, int Number)
    {
        /// <summary>The logical model the attempt serves (a fallback model's, when it is one).</summary>
        public string? Model { get; init; }

        public IBudgetReservation? Reservation { get; init; }

        public decimal WorstCase { get; init; }

        public TimeSpan? FirstByte { get; init; }
    }
}
