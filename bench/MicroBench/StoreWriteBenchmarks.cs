using System.Collections.Frozen;
using System.Text;
using BenchmarkDotNet.Attributes;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Caching;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Storage.Sqlite;

namespace ServerlessGateway.MicroBench;

/// <summary>
/// The two writes every request causes off its path, per row in a batch the size the writers use: a ledger record and
/// an exact-cache entry, each into a real SQLite file (WAL, as the gateway runs it). CPU spent here is CPU the request
/// path does not get on a small machine.
/// </summary>
[MemoryDiagnoser]
public class StoreWriteBenchmarks : IDisposable
{
    private static readonly BudgetCharge Budget = new("key:key_bench", "m:2026-11", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), 1_000_000m);

    private const int Batch = 128;
    private readonly byte[] answer = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1","object":"chat.completion","created":1731000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"An API gateway is a single entry point in front of backend services. It routes, authenticates and meters every call.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":62,"total_tokens":87,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""");
    private string folder = "";
    private SqliteDatabase ledgerFile = null!;
    private SqliteDatabase cacheFile = null!;
    private SqliteUsageStore ledger = null!;
    private SqliteCacheStore cache = null!;
    private long sequence;

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("store-bench-").FullName;
        ledgerFile = new SqliteDatabase(Path.Combine(folder, "gateway.db"));
        cacheFile = new SqliteDatabase(Path.Combine(folder, "gateway.cache.db"));
        ledger = new SqliteUsageStore(ledgerFile, TimeZoneInfo.Utc);
        cache = new SqliteCacheStore(cacheFile, TimeProvider.System, maxEntries: 100_000);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        ledgerFile.Dispose();
        cacheFile.Dispose();
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task<int> LedgerRecordInBatch()
    {
        var records = new List<UsageRecord>(Batch);
        for (var i = 0; i < Batch; i++)
        {
            records.Add(new UsageRecord
            {
                RequestId = "req_" + (++sequence).ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
                Attempt = 1,
                Timestamp = DateTimeOffset.UtcNow,
                KeyId = "key_bench",
                TeamId = "bench-team",
                RequestedModel = "bench-model",
                ServedModel = "gpt-4o-mini-2024-07-18",
                Deployment = "mock-upstream/gpt-4o-mini",
                Provider = "mock-upstream",
                Usage = new TokenUsage(25, 62, 0, 0, 0),
                CostUsd = 0.0000410m,
                LatencyMs = 0.4,
                Status = 200,
                Budgets = [Budget],
                Tags = new Dictionary<string, string> { ["app"] = "loadbench" }.ToFrozenDictionary(),
            });
        }

        return (await ledger.WriteBatchAsync(records, CancellationToken.None)).Count;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task CacheEntryInBatch()
    {
        var entries = new List<CacheEntry>(Batch);
        for (var i = 0; i < Batch; i++)
        {
            entries.Add(new CacheEntry
            {
                Key = (++sequence).ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
                Partition = "key:key_bench",
                Response = answer,
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
                Usage = new TokenUsage(25, 62, 0, 0, 0),
                CostUsd = 0.0000410m,
            });
        }

        await cache.SetManyAsync(entries, CancellationToken.None);
    }
}
