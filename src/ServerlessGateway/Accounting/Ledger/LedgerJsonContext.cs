using System.Text.Json.Serialization;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>Source-generated JSON for the ledger's own documents: spill lines and the stores' JSON columns.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(UsageRecordDocument))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<BudgetCharge>))]
public sealed partial class LedgerJsonContext : JsonSerializerContext;
