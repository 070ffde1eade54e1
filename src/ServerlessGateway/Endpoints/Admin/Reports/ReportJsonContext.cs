using System.Text.Json.Serialization;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Ledger.Rollups;

namespace ServerlessGateway.Endpoints.Admin.Reports;

/// <summary>Source-generated, snake_case JSON for the ledger's admin routes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SpendReport))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(RequestReport))]
[JsonSerializable(typeof(LedgerStatus))]
[JsonSerializable(typeof(RollupResult))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
