using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Auth;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Budgets;

/// <summary>
/// Reserve, then settle: before each attempt the worst-case cost is reserved atomically against every budget
/// the caller belongs to; after it, the reservation settles to the real cost and the rest is released.
/// </summary>
public interface IBudgetGate
{
    ValueTask<IBudgetReservation> ReserveAsync(CallerIdentity caller, decimal worstCaseUsd, CancellationToken cancellationToken);

    /// <summary>The largest fraction (0…1+) of any of the caller's budgets committed in its current window, as last seen.</summary>
    decimal UsedFraction(CallerIdentity caller);
}

/// <summary>A reservation (settle it; disposing unsettled keeps the whole reservation as spent) or a refusal.</summary>
public interface IBudgetReservation : IDisposable
{
    /// <summary>Null when reserved; otherwise a 429 insufficient_quota naming the budget that refused.</summary>
    GatewayError? Refusal { get; }

    /// <summary>The budgets (scope, window) this attempt counts against, for the usage record.</summary>
    IReadOnlyList<BudgetCharge> Charges { get; }

    /// <summary>Settles at the real cost (once): the unused part returns to the budget, an overrun is added.</summary>
    void Settle(decimal actualUsd);
}
