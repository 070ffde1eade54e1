using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Limits;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Budgets;

/// <summary>One budget a request counts against: its scope, spec, current window and shared counter.</summary>
public sealed record BudgetCounter(ScopeRef Scope, BudgetSpec Spec, BudgetWindow Window, CounterRef Counter)
{
    public BudgetCharge Charge => new(Scope.ToString(), Window.Id, Window.Start, Window.End, Spec.MaxUsd);
}

/// <summary>A reservation of <c>reserved</c> nano-dollars on each counter, or a refusal; settled once.</summary>
public sealed class BudgetReservation : IBudgetReservation
{
    /// <summary>For callers with no budget anywhere: nothing reserved, nothing charged.</summary>
    public static readonly BudgetReservation Unbudgeted = new(null, [], [], 0, null);

    private readonly IReadOnlyList<CounterRef> counters;
    private readonly long reserved;
    private readonly LeaseBook? book;
    private int settled;

    internal BudgetReservation(GatewayError? refusal, IReadOnlyList<BudgetCharge> charges, IReadOnlyList<CounterRef> counters, long reserved, LeaseBook? book)
    {
        Refusal = refusal;
        Charges = charges;
        this.counters = counters;
        this.reserved = reserved;
        this.book = book;
    }

    public GatewayError? Refusal { get; }

    public IReadOnlyList<BudgetCharge> Charges { get; }

    /// <summary>Releases what the real cost did not use back to this instance's lease; adds an overrun to every budget.</summary>
    public void Settle(decimal actualUsd)
    {
        if (book is null || Refusal is not null || Interlocked.Exchange(ref settled, 1) == 1)
        {
            return;
        }

        var difference = NanoUsd.Up(actualUsd) - reserved;
        foreach (var counter in counters)
        {
            if (difference < 0)
            {
                book.Return(counter.Key, -difference);
            }
            else
            {
                book.Charge(counter, difference);
            }
        }
    }

    /// <summary>Unsettled, the whole reservation stays spent: conservative when the real cost is unknown.</summary>
    public void Dispose() => Interlocked.Exchange(ref settled, 1);
}
