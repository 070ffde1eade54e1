using Microsoft.AspNetCore.Http;
using ServerlessGateway.Limits;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Limits;

/// <summary>What one instance's rate limiter admits and refuses, and what it tells the caller.</summary>
public sealed class RateLimiterTests
{
    // 40.5 s into the minute: a window resets in 19.5 s.
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 40, 500, TimeSpan.Zero);
    private readonly ManualTime time = new(Start);
    private readonly GatewayInstance instance;

    public RateLimiterTests() => instance = new GatewayInstance(new InMemoryCounterStore(time), time);

    [Fact]
    public async Task An_estimate_above_the_TPM_limit_is_refused_up_front_and_takes_nothing()
    {
        var caller = Callers.With(Callers.Scope(ScopeLevel.Key, "k1", new RateLimits(1, 1000, null)));

        using var refused = await Admit(caller, tokens: 1001);
        using var admitted = await Admit(caller, tokens: 1000);

        Assert.NotNull(refused.Refusal);
        Assert.Equal(429, refused.Refusal.Status);
        Assert.Equal("tokens", refused.Refusal.Type);
        Assert.Equal("rate_limit_exceeded", refused.Refusal.Code);
        Assert.Null(refused.Refusal.RetryAfterSeconds); // waiting would not help
        Assert.Contains("Request too large for key 'k1' on tokens per min (TPM): Limit 1000, Requested 1001", refused.Refusal.Message, StringComparison.Ordinal);
        Assert.Null(admitted.Refusal); // the refused request took no RPM unit
    }

    [Fact]
    public async Task Per_model_limits_apply_to_that_model_only_and_the_refusal_names_level_id_and_model()
    {
        var caller = Callers.With(Callers.Scope(ScopeLevel.Team, "research", null, null, ("gpt-4o", new RateLimits(2, null, null))));

        Assert.Null((await Admit(caller, model: "gpt-4o")).Refusal);
        Assert.Null((await Admit(caller, model: "gpt-4o")).Refusal);
        var refused = (await Admit(caller, model: "gpt-4o")).Refusal;
        Assert.Null((await Admit(caller, model: "gpt-4o-mini")).Refusal);

        Assert.NotNull(refused);
        Assert.Equal("requests", refused.Type);
        Assert.Equal(
            "Rate limit reached for team 'research' for model 'gpt-4o' on requests per min (RPM): Limit 2, Used 2, Requested 1. Please try again in 19.5s.",
            refused.Message);
        Assert.Equal(20, refused.RetryAfterSeconds);
    }

    [Fact]
    public async Task A_refusal_at_a_later_level_gives_back_what_earlier_levels_took()
    {
        var key = Callers.Scope(ScopeLevel.Key, "k1", new RateLimits(2, 500, null));
        var team = Callers.Scope(ScopeLevel.Team, "t1", new RateLimits(1, null, null));
        var withTeam = Callers.With(key, team);
        var keyOnly = Callers.With(key);

        Assert.Null((await Admit(withTeam, tokens: 200)).Refusal);
        var refused = (await Admit(withTeam, tokens: 200)).Refusal;

        Assert.Equal("Rate limit reached for team 't1' on requests per min (RPM): Limit 1, Used 1, Requested 1. Please try again in 19.5s.", refused?.Message);
        // The key still has one request and 300 tokens: the refused request's 1 + 200 came back.
        Assert.Null((await Admit(keyOnly, tokens: 300)).Refusal);
        Assert.Equal("requests", (await Admit(keyOnly, tokens: 1)).Refusal?.Type);
    }

    [Fact]
    public async Task Parallel_slots_are_freed_when_the_admission_is_disposed()
    {
        var caller = Callers.With(Callers.Scope(ScopeLevel.User, "ana", new RateLimits(null, null, 2)));
        var first = await Admit(caller);
        using var second = await Admit(caller);

        var third = await Admit(caller);
        first.Dispose();
        first.Dispose(); // twice frees once
        using var fourth = await Admit(caller);
        var fifth = await Admit(caller);

        Assert.NotNull(third.Refusal);
        Assert.Equal("parallel_requests", third.Refusal.Type);
        Assert.Equal(1, third.Refusal.RetryAfterSeconds);
        Assert.Contains("user 'ana' on parallel requests: Limit 2, In flight 2, Requested 1", third.Refusal.Message, StringComparison.Ordinal);
        Assert.Null(fourth.Refusal);
        Assert.NotNull(fifth.Refusal);
    }

    [Fact]
    public async Task Settling_tokens_returns_an_unused_estimate_and_counts_an_overrun()
    {
        var caller = Callers.With(Callers.Scope(ScopeLevel.Key, "k1", new RateLimits(null, 1000, null)));

        using (var small = await Admit(caller, tokens: 600))
        {
            Assert.NotNull((await Admit(caller, tokens: 600)).Refusal);
            small.SettleTokens(100);
            small.SettleTokens(0); // once only
        }

        using var second = await Admit(caller, tokens: 200); // 100 + 200 used
        second.SettleTokens(800);                             // 100 + 800 used

        Assert.NotNull((await Admit(caller, tokens: 101)).Refusal);
        Assert.Null((await Admit(caller, tokens: 100)).Refusal);
    }

    [Fact]
    public async Task Headers_show_the_tightest_limits_with_OpenAIs_names_and_reset_format()
    {
        var caller = Callers.With(
            Callers.Scope(ScopeLevel.Key, "k1", new RateLimits(100, 1000, null)),
            Callers.Scope(ScopeLevel.Team, "t1", new RateLimits(5, 50_000, null)));
        using var admission = await Admit(caller, tokens: 300);
        var headers = new HeaderDictionary();

        admission.WriteHeaders(headers);

        Assert.Equal("5", headers["x-ratelimit-limit-requests"]);
        Assert.Equal("4", headers["x-ratelimit-remaining-requests"]);
        Assert.Equal("19.5s", headers["x-ratelimit-reset-requests"]);
        Assert.Equal("1000", headers["x-ratelimit-limit-tokens"]);
        Assert.Equal("700", headers["x-ratelimit-remaining-tokens"]);
        Assert.Equal("19.5s", headers["x-ratelimit-reset-tokens"]);
    }

    [Fact]
    public async Task A_caller_without_limits_is_admitted_without_headers()
    {
        using var admission = await Admit(Callers.With(Callers.Scope(ScopeLevel.Key, "free")));
        var headers = new HeaderDictionary();

        admission.WriteHeaders(headers);

        Assert.Null(admission.Refusal);
        Assert.Empty(headers);
    }

    [Theory]
    [InlineData(20, "20ms")]
    [InlineData(1000, "1s")]
    [InlineData(17_500, "17.5s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Reset_times_read_as_OpenAI_writes_them(int milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitText.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    private async Task<IRateAdmission> Admit(ServerlessGateway.Auth.CallerIdentity caller, string model = "m", long tokens = 10) =>
        await instance.Limiter.AdmitAsync(caller, model, tokens, CancellationToken.None);
}
