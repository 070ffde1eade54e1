using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Routing.Probes;

/// <summary>
/// Probes one deployment through the same provider adapter traffic uses, within the probe time-out, and judges the
/// outcome. A probe of a paid deployment is recorded in the usage ledger under the key id <see cref="LedgerKeyId"/>, so
/// the ledger's spend stays the provider's bill.
/// </summary>
public sealed partial class DeploymentProber(ProviderRegistry providers, ITokenCounter tokens, IUsageSink usage, TimeProvider time, ILogger<DeploymentProber> logger)
{
    /// <summary>The key id probes' usage records carry.</summary>
    public const string LedgerKeyId = "gateway-probe";

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, TimeSpan timeout, TimeSpan streamKeepAlive, CancellationToken cancellationToken)
    {
        var deployment = target.Deployment;
        var requestId = "probe_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var request = ProbeRequests.For(target.Kind, target.Model); // over the gateway's own bytes: nothing pooled to return
        var call = new UpstreamCall(request, deployment, requestId, streamKeepAlive);
        var started = time.GetTimestamp();

        // The adapter's own time-out is the deployment's (minutes, for long answers); a probe asks for one token and
        // gives up sooner. Past this deadline the adapter sees a cancellation, not a time-out of its own.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var charge = target.IsPaid ? new ProbeCharge(target, request, requestId, tokens, time) : null;
        try
        {
            var result = await providers.For(deployment.Provider.Type).SendAsync(call, linked.Token);
            var latency = time.GetElapsedTime(started);
            if (result.Response is { } response)
            {
                using (response)
                {
                    Record(charge?.Answered((response as BufferedUpstreamResponse)?.Usage, latency));
                }

                return new ProbeResult(true, latency, StatusCodes.Status200OK, null);
            }

            var failure = result.Failure!;
            Record(charge?.Failed(failure.Error.Status, failure.Reason, latency));

            // A refusal of the request itself (400) comes from a deployment that is up and judging requests.
            var refusedProbe = failure.Action == FailureAction.ReturnToCaller;
            return new ProbeResult(refusedProbe, latency, failure.Error.Status, $"{failure.Reason}: {failure.Error.Message}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var latency = time.GetElapsedTime(started);
            Record(charge?.TimedOut(latency));
            return new ProbeResult(false, latency, null, $"timeout: no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // An adapter that throws is a bug, but one deployment's bug must not stop the other probes.
            LogProbeFailed(logger, ex, deployment.Name);
            return new ProbeResult(false, time.GetElapsedTime(started), null, "the probe failed: " + ex.Message);
        }
    }

    private void Record(UsageRecord? record)
    {
        if (record is not null)
        {
            usage.Record(record);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Health probe of {Deployment} failed unexpectedly")]
    private static partial void LogProbeFailed(ILogger logger, Exception exception, string deployment);

    /// <summary>The usage record of one probe of a paid deployment (a free one's would be noise every interval, and has none).</summary>
    private sealed class ProbeCharge(ProbeTarget target, ParsedRequest request, string requestId, ITokenCounter tokens, TimeProvider time)
    {
        /// <summary>Answered: the reported usage at the deployment's price; without a report, the request's own size.</summary>
        public UsageRecord Answered(TokenUsage? reported, TimeSpan latency)
        {
            var usage = reported ?? WorstCase();
            return Make(usage, target.Deployment.Price?.Cost(usage) ?? 0, estimated: reported is null, StatusCodes.Status200OK, null, latency);
        }

        /// <summary>Providers bill nothing for an error answer.</summary>
        public UsageRecord Failed(int status, string reason, TimeSpan latency) => Make(default, 0, estimated: false, status, reason, latency);

        /// <summary>
        /// Given up on: the provider may still have run it and billed up to its worst case, which is what is recorded
        /// (marked as an estimate), as for traffic cut off mid-answer.
        /// </summary>
        public UsageRecord TimedOut(TimeSpan latency)
        {
            var usage = WorstCase();
            var price = target.Deployment.Price;
            return Make(usage, price?.WorstCase(usage.InputTokens, usage.OutputTokens) ?? 0, estimated: true, StatusCodes.Status504GatewayTimeout, "timeout", latency);
        }

        private TokenUsage WorstCase() => new(AdmissionEstimate.PromptTokens(request, tokens), AdmissionEstimate.OutputTokens(request, 1));

        private UsageRecord Make(TokenUsage usage, decimal cost, bool estimated, int status, string? error, TimeSpan latency) =>
            new()
            {
                RequestId = requestId,
                Attempt = 1,
                Timestamp = time.GetUtcNow(),
                KeyId = LedgerKeyId,
                RequestedModel = target.Model,
                ServedModel = target.Deployment.UpstreamModel,
                Deployment = target.Deployment.Name,
                Provider = target.Deployment.Provider.Type,
                Usage = usage,
                UsageEstimated = estimated,
                CostUsd = cost,
                LatencyMs = latency.TotalMilliseconds,
                Status = status,
                Error = error,
            };
    }
}
