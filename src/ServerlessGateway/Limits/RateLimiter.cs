using ServerlessGateway.Auth;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Limits.Parallel;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Limits;

/// <summary>
/// Admits a request under every limit of every scope, all or nothing: if a later check refuses, what earlier
/// checks took goes back to the local leases. Requests and tokens come from per-minute leases (no I/O while a
/// lease lasts); parallel slots from <see cref="ParallelSlots"/>.
/// </summary>
public sealed partial class RateLimiter(LeaseBook book, ParallelSlots slots, TimeProvider time, ILogger<RateLimiter> logger) : IRateLimiter
{
    /// <summary>
    /// Admits a request under every limit of every level for <paramref name="model"/>; with
    /// <paramref name="modelLimitsOnly"/>, only the per-model ones (a fallback model, after the request itself was admitted).
    /// </summary>
    public async ValueTask<IRateAdmission> AdmitAsync(CallerIdentity caller, string model, long estimatedTokens, CancellationToken cancellationToken, bool modelLimitsOnly = false)
    {
        var window = RateWindow.At(time.GetUtcNow());
        var checks = RateCheck.For(caller, model, estimatedTokens, window, modelLimitsOnly);
        if (checks.Count == 0)
        {
            return RateAdmission.Unlimited;
        }

        if (checks.Find(c => c.Kind == RateKind.Tokens && c.Amount > c.Limit) is { } tooLarge)
        {
            return RateAdmission.Refused(RateLimitText.TooLarge(tooLarge), [new RateSeen(tooLarge, new CounterView(tooLarge.Limit, 0, 0, 0))], window, time);
        }

        var taken = new List<RateCheck>(checks.Count);
        var seen = new List<RateSeen>(checks.Count);
        try
        {
            foreach (var check in checks)
            {
                if (check.Kind == RateKind.Parallel)
                {
                    var slot = await slots.AcquireAsync(check.Counter.Key, (int)check.Limit, cancellationToken);
                    if (!slot.Admitted)
                    {
                        GiveBack(taken);
                        return RateAdmission.Refused(RateLimitText.Exceeded(check, slot.InUse, TimeSpan.FromSeconds(1)), seen, window, time);
                    }
                }
                else
                {
                    var take = await book.TakeAsync(check.Counter, check.Amount, cancellationToken);
                    seen.Add(new RateSeen(check, take.View));
                    if (!take.Admitted)
                    {
                        GiveBack(taken);
                        return RateAdmission.Refused(RateLimitText.Exceeded(check, take.View.Used, window.End - time.GetUtcNow()), seen, window, time);
                    }
                }

                taken.Add(check);
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            GiveBack(taken);
            LogStoreFailed(logger, ex);
            return RateAdmission.Refused(GatewayError.StoreUnavailable("rate-limit store", "limits_unavailable"), seen, window, time);
        }
        catch
        {
            GiveBack(taken);
            throw;
        }

        return new RateAdmission(null, book, slots, taken, seen, window, time);
    }

    private void GiveBack(List<RateCheck> taken)
    {
        foreach (var check in taken)
        {
            if (check.Kind == RateKind.Parallel)
            {
                slots.Release(check.Counter.Key);
            }
            else
            {
                book.Return(check.Counter.Key, check.Amount);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The rate-limit counter store failed; the request is refused with 503.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
