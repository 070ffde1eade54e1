using ServerlessGateway.Limits;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Limits;

/// <summary>
/// Several instances (each its own database object, store and lease book) on one SQLite file, driven hard:
/// the combined amount admitted never passes a limit, and little of the limit is stranded in leases.
/// </summary>
public sealed class MultiInstanceLimitTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 10, TimeSpan.Zero);
    private readonly TempSqlite file = new();

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task Four_instances_never_admit_more_than_the_RPM_limit_and_use_nearly_all_of_it()
    {
        const int rpm = 300;
        var time = new ManualTime(Start);
        var instances = Enumerable.Range(0, 4).Select(_ => GatewayInstance.OnSqlite(file, time)).ToArray();
        var caller = Callers.With(Callers.Scope(ScopeLevel.Team, "research", new RateLimits(rpm, null, null)));

        var admitted = await DriveAsync(instances, caller, workers: 8, attempts: 40, _ => 1);

        Report("RPM", admitted.Requests, rpm, instances);
        Assert.True(admitted.Requests <= rpm, $"{admitted.Requests} requests admitted under an RPM limit of {rpm}");
        Assert.True(admitted.Requests >= rpm * 0.9, $"only {admitted.Requests} of {rpm} admitted while demand was {4 * 8 * 40}");
    }

    [Fact]
    public async Task Four_instances_never_admit_more_than_the_TPM_limit_and_use_nearly_all_of_it()
    {
        const long tpm = 20_000;
        var time = new ManualTime(Start);
        var instances = Enumerable.Range(0, 4).Select(_ => GatewayInstance.OnSqlite(file, time)).ToArray();
        var caller = Callers.With(
            Callers.Scope(ScopeLevel.Key, "k1", new RateLimits(1000, null, null)),
            Callers.Scope(ScopeLevel.Organization, "acme", new RateLimits(null, tpm, null)));

        var admitted = await DriveAsync(instances, caller, workers: 8, attempts: 40, i => 40 + (i * 37 % 120));

        Report("TPM", admitted.Tokens, tpm, instances);
        Assert.True(admitted.Tokens <= tpm, $"{admitted.Tokens} tokens admitted under a TPM limit of {tpm}");
        Assert.True(admitted.Tokens >= tpm * 0.9, $"only {admitted.Tokens} of {tpm} tokens admitted while demand was far higher");

        // All or nothing: a request the TPM limit refused gave its RPM unit back, so the key's count is exact.
        var keyCounter = RateCheck.For(caller, "m", 1, RateWindow.At(Start))[0].Counter;
        var storeTotal = await instances[0].Store.ReadAsync(keyCounter.Key, CancellationToken.None);
        var unusedLeases = instances.Sum(i => i.Book.View(keyCounter.Key)?.Available ?? 0);
        Assert.Equal(admitted.Requests, storeTotal - unusedLeases);
    }

    [Fact]
    public async Task A_new_minute_opens_a_fresh_window_and_the_old_leases_lapse()
    {
        var time = new ManualTime(Start);
        var instances = Enumerable.Range(0, 2).Select(_ => GatewayInstance.OnSqlite(file, time)).ToArray();
        var caller = Callers.With(Callers.Scope(ScopeLevel.User, "ana", new RateLimits(20, null, null)));
        var first = await DriveAsync(instances, caller, workers: 4, attempts: 10, _ => 1);

        time.Advance(TimeSpan.FromMinutes(1));
        var second = await DriveAsync(instances, caller, workers: 4, attempts: 10, _ => 1);

        Assert.Equal(20, first.Requests);
        Assert.Equal(20, second.Requests);
    }

    private static async Task<(long Requests, long Tokens)> DriveAsync(GatewayInstance[] instances, ServerlessGateway.Auth.CallerIdentity caller, int workers, int attempts, Func<int, long> tokens)
    {
        long requests = 0, admittedTokens = 0;
        var work = new List<Task>();
        for (var n = 0; n < instances.Length * workers; n++)
        {
            var instance = instances[n % instances.Length];
            var seed = n;
            work.Add(Task.Run(async () =>
            {
                for (var attempt = 0; attempt < attempts; attempt++)
                {
                    var estimate = tokens(seed * attempts + attempt);
                    using var admission = await instance.Limiter.AdmitAsync(caller, "m", estimate, CancellationToken.None);
                    if (admission.Refusal is null)
                    {
                        Interlocked.Increment(ref requests);
                        Interlocked.Add(ref admittedTokens, estimate);
                    }
                    else
                    {
                        Assert.Equal(429, admission.Refusal.Status);
                        Assert.Equal(RateLimitText.Code, admission.Refusal.Code);
                    }
                }
            }));
        }

        await Task.WhenAll(work);
        return (requests, admittedTokens);
    }

    private void Report(string what, long admitted, long limit, GatewayInstance[] instances)
    {
        output.WriteLine($"{what}: admitted {admitted} of {limit} ({100.0 * admitted / limit:0.0} %) over {instances.Length} instances");
        foreach (var (instance, i) in instances.Select((x, i) => (x, i)))
        {
            var u = instance.Book.Utilisation;
            output.WriteLine($"  instance {i}: granted {u.Granted}, admitted {u.Admitted} ({100 * u.AdmittedShare:0.0} % of its leases), store calls {u.StoreCalls}");
        }
    }
}
