using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Governance;

/// <summary>
/// Limits hold across instances (pain point 7): two gateway processes sharing one SQLite file, driven hard,
/// admit no more than the limit between them in any one-minute window.
/// </summary>
public sealed class MultiProcessLimitTests(ITestOutputHelper output)
{
    private const string RpmKey = "sk-rpm-0001";
    private const string TpmKey = "sk-tpm-0001";
    private const int Rpm = 60;
    private const int Tpm = 3000;
    private const string Chat = """{"model":"mock-echo","max_tokens":40,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Two_processes_on_one_store_admit_no_more_than_the_limit_together()
    {
        var database = Path.Combine(Path.GetTempPath(), $"gateway-multi-{Guid.NewGuid():N}.db");
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        gateway["Storage"] = new JsonObject { ["Kind"] = "sqlite", ["SqlitePath"] = database };
        gateway["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["SpillPath"] = database + ".spill" } };
        gateway["Keys"]!.AsArray().Add(new JsonObject { ["Name"] = "rpm", ["Key"] = RpmKey, ["Limits"] = new JsonObject { ["RequestsPerMinute"] = Rpm } });
        gateway["Keys"]!.AsArray().Add(new JsonObject { ["Name"] = "tpm", ["Key"] = TpmKey, ["Limits"] = new JsonObject { ["TokensPerMinute"] = Tpm } });

        var cancel = TestContext.Current.CancellationToken;
        await using var first = await GatewayProcess.StartAsync(config, cancel);
        await using var second = await GatewayProcess.StartAsync(config, cancel);

        foreach (var (key, limit, perRequest) in new[] { (RpmKey, Rpm, 1), (TpmKey, Tpm, 0) })
        {
            var started = DateTimeOffset.UtcNow;
            var results = await DriveAsync([first, second], key, requests: 400);
            var windows = (int)(Minute(DateTimeOffset.UtcNow) - Minute(started)) + 1;
            var admitted = results.Count(r => r.Status == HttpStatusCode.OK);
            Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {r.Status}"));
            if (perRequest == 1)
            {
                Assert.True(admitted <= limit * windows, $"admitted {admitted} requests across two processes; the limit is {limit} per minute ({windows} window(s))");
                output.WriteLine($"RPM {limit}: admitted {admitted} of 400 across 2 processes in {windows} window(s); utilisation {100.0 * admitted / (limit * windows):0.#}%");
                Assert.True(admitted >= limit * 8 / 10, $"only {admitted} of {limit} admitted: the leases stranded too much");
            }
            else
            {
                // Each request is admitted on its estimate (prompt + 40 max_tokens) and settled at its real usage,
                // so the tokens really used by the admitted requests must fit the limit.
                var used = results.Sum(r => r.TotalTokens);
                Assert.True(used <= limit * windows, $"admitted requests used {used} tokens across two processes; the limit is {limit} per minute ({windows} window(s))");
                output.WriteLine($"TPM {limit}: admitted {admitted} of 400 requests using {used} tokens across 2 processes in {windows} window(s); utilisation {100.0 * used / (limit * windows):0.#}%");
            }
        }
    }

    private static long Minute(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    private static async Task<(HttpStatusCode Status, long TotalTokens)[]> DriveAsync(GatewayProcess[] gateways, string key, int requests)
    {
        var clients = gateways.Select(g => g.CreateClient(key)).ToArray();
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
            {
                using var response = await clients[i % clients.Length].PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return (response.StatusCode, 0L);
                }

                using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return (response.StatusCode, body.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64());
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
