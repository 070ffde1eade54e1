using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Governance;

/// <summary>The services every governed request uses, bundled so the handler takes one dependency.</summary>
public sealed class GovernanceServices(IRateLimiter limiter, IBudgetGate budgets, IUsageSink usage, ITokenCounter tokens, TimeProvider time)
{
    public IRateLimiter Limiter { get; } = limiter;

    public IBudgetGate Budgets { get; } = budgets;

    public IUsageSink Usage { get; } = usage;

    public ITokenCounter Tokens { get; } = tokens;

    public TimeProvider Time { get; } = time;
}
