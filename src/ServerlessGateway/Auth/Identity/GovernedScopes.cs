using ServerlessGateway.Budgets;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Auth.Identity;

/// <summary>Limits and a budget as written, compiled into a <see cref="GovernedScope"/>.</summary>
public static class GovernedScopes
{
    /// <summary>
    /// Stored limits were validated when written; should one not read now (a rule tightened since), the scope
    /// keeps what does read instead of failing every request of the key.
    /// </summary>
    public static GovernedScope Of(ScopeRef scope, LimitOptions? limits, BudgetOptions? budget)
    {
        var ignored = new List<string>();
        return new GovernedScope(scope, LimitSpecReader.Read(limits, scope.ToString(), ignored), BudgetSpecReader.Read(budget, scope.ToString(), ignored));
    }
}
