using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Limits.Parallel;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Limits;

/// <summary>A windowed check and its counter as seen when it was taken (for the x-ratelimit-* headers).</summary>
public readonly record struct RateSeen(RateCheck Check, CounterView View);

/// <summary>The outcome of <see cref="RateLimiter.AdmitAsync"/>: what was taken, to settle and to free.</summary>
public sealed class RateAdmission : IRateAdmission
{
    /// <summary>For callers with no limits at all: nothing taken, no headers.</summary>
    public static readonly RateAdmission Unlimited = new(null, null, null, [], [], default, TimeProvider.System);

    private readonly LeaseBook? book;
    private readonly ParallelSlots? slots;
    private readonly IReadOnlyList<RateCheck> taken;
    private readonly IReadOnlyList<RateSeen> seen;
    private readonly RateWindow window;
    private readonly TimeProvider time;
    private int settled;
    private int disposed;

    internal RateAdmission(GatewayError? refusal, LeaseBook? book, ParallelSlots? slots, IReadOnlyList<RateCheck> taken, IReadOnlyList<RateSeen> seen, RateWindow window, TimeProvider time)
    {
        Refusal = refusal;
        this.book = book;
        this.slots = slots;
        this.taken = taken;
        this.seen = seen;
        this.window = window;
        this.time = time;
    }

    public GatewayError? Refusal { get; }

    internal static RateAdmission Refused(GatewayError refusal, IReadOnlyList<RateSeen> seen, RateWindow window, TimeProvider time) =>
        new(refusal, null, null, [], [.. seen], window, time);

    /// <summary>Moves each token counter from the estimate to <paramref name="actualTokens"/> in the window admitted.</summary>
    public void SettleTokens(long actualTokens)
    {
        if (book is null || Interlocked.Exchange(ref settled, 1) == 1)
        {
            return;
        }

        foreach (var check in taken)
        {
            if (check.Kind != RateKind.Tokens)
            {
                continue;
            }

            var difference = Math.Max(0, actualTokens) - check.Amount;
            if (difference < 0)
            {
                book.Return(check.Counter.Key, -difference);
            }
            else
            {
                book.Charge(check.Counter, difference);
            }
        }
    }

    /// <summary>
    /// The tightest requests and tokens limits, OpenAI's header names. Remaining is best effort: the store's total as
    /// this instance last saw it, less this instance's unused lease, at admission time.
    /// </summary>
    public void WriteHeaders(IHeaderDictionary headers)
    {
        if (seen.Count == 0)
        {
            return;
        }

        var reset = RateLimitText.Duration(window.End - time.GetUtcNow());
        Write(headers, RateKind.Requests, "requests", reset);
        Write(headers, RateKind.Tokens, "tokens", reset);
    }

    public void Dispose()
    {
        if (slots is null || Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        foreach (var check in taken)
        {
            if (check.Kind == RateKind.Parallel)
            {
                slots.Release(check.Counter.Key);
            }
        }
    }

    private void Write(IHeaderDictionary headers, RateKind kind, string name, string reset)
    {
        RateSeen? tightest = null;
        foreach (var entry in seen)
        {
            if (entry.Check.Kind == kind && (tightest is null || entry.View.Remaining < tightest.Value.View.Remaining))
            {
                tightest = entry;
            }
        }

        if (tightest is { } t)
        {
            headers["x-ratelimit-limit-" + name] = t.Check.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-" + name] = t.View.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-" + name] = reset;
        }
    }
}
