using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Health;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

public sealed class CircuitBreakerTests
{
    private readonly ManualTime time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    private CircuitBreaker Breaker(BreakerOptions? options = null) => new(options ?? new BreakerOptions { ConsecutiveFailures = 3, OpenSeconds = 10, MaxOpenSeconds = 25 }, time);

    [Fact]
    public void Consecutive_failures_open_it_and_a_success_in_between_resets_the_count()
    {
        var breaker = Breaker();
        breaker.OnFailure();
        breaker.OnFailure();
        breaker.OnSuccess();
        breaker.OnFailure();
        breaker.OnFailure();
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire());

        breaker.OnFailure();

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.TryAcquire());
        Assert.Equal(time.GetUtcNow().AddSeconds(10), breaker.OpenUntil);
    }

    [Fact]
    public void A_failure_ratio_over_the_window_opens_it_once_the_minimum_throughput_is_reached()
    {
        var breaker = Breaker(new BreakerOptions { ConsecutiveFailures = 100, FailureRatio = 0.5, MinimumThroughput = 10, WindowSeconds = 10 });
        for (var i = 0; i < 4; i++)
        {
            breaker.OnFailure();
            breaker.OnSuccess();
        }

        breaker.OnFailure(); // 5 of 9: above half, but below the minimum throughput
        Assert.Equal(BreakerState.Closed, breaker.State);

        breaker.OnFailure(); // 6 of 10

        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void Failures_that_left_the_window_no_longer_count()
    {
        var breaker = Breaker(new BreakerOptions { ConsecutiveFailures = 100, FailureRatio = 0.5, MinimumThroughput = 4, WindowSeconds = 10 });
        breaker.OnFailure();
        breaker.OnFailure();
        breaker.OnFailure();
        time.Advance(TimeSpan.FromSeconds(11));
        breaker.OnSuccess();
        breaker.OnSuccess();
        breaker.OnSuccess();

        breaker.OnFailure(); // 1 of 4 in the window

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void After_the_open_period_one_probe_goes_through_and_its_success_closes_it()
    {
        var breaker = Breaker();
        Open(breaker);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire());
        Assert.False(breaker.TryAcquire()); // one probe at a time

        breaker.OnSuccess();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire());
        Assert.True(breaker.TryAcquire());
    }

    [Fact]
    public void A_failed_probe_opens_it_again_for_twice_as_long_up_to_the_maximum()
    {
        var breaker = Breaker();
        Open(breaker);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryAcquire());
        breaker.OnFailure();
        Assert.Equal(time.GetUtcNow().AddSeconds(20), breaker.OpenUntil);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(breaker.TryAcquire());
        breaker.OnFailure();
        Assert.Equal(time.GetUtcNow().AddSeconds(25), breaker.OpenUntil); // capped

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.True(breaker.TryAcquire());
        breaker.OnSuccess();
        Open(breaker);
        Assert.Equal(time.GetUtcNow().AddSeconds(10), breaker.OpenUntil); // a close resets the period
    }

    [Fact]
    public void An_abandoned_probe_lets_the_next_request_probe()
    {
        var breaker = Breaker();
        Open(breaker);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryAcquire());

        breaker.OnAbandoned();

        Assert.True(breaker.TryAcquire());
    }

    [Fact]
    public void A_disabled_breaker_never_refuses()
    {
        var breaker = Breaker(new BreakerOptions { Enabled = false, ConsecutiveFailures = 1 });
        breaker.OnFailure();
        breaker.OnFailure();

        Assert.True(breaker.TryAcquire());
    }

    private static void Open(CircuitBreaker breaker)
    {
        for (var i = 0; i < 3; i++)
        {
            breaker.OnFailure();
        }

        Assert.Equal(BreakerState.Open, breaker.State);
    }
}
