namespace ServerlessGateway.Budgets;

/// <summary>A dollar budget and the period it renews over.</summary>
public sealed record BudgetSpec(decimal MaxUsd, BudgetPeriod Period);
