using ServerlessGateway.Providers.Http;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Http;

/// <summary>Providers' rate-limit headers read into hints: every format, and garbage ignored rather than thrown.</summary>
public sealed class RateHintHeadersTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 18, 23, 29, 15, TimeSpan.Zero);

    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("20ms", 20)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("7.66s", 7_660)]
    [InlineData("2m59.56s", 179_560)]
    [InlineData("0s", 0)]
    [InlineData("12ms", 12)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500µs", 1.5)]
    [InlineData("2000000ns", 2)]
    [InlineData(" 3s ", 3_000)]
    [InlineData("30", 30_000)] // a bare number is seconds
    [InlineData("0.5", 500)]
    public void Durations_in_Gos_format(string value, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RateHintValues.Duration(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("1s2")]
    [InlineData("-1s")]
    [InlineData("1.2.3s")]
    [InlineData(".s")]
    [InlineData("1d")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e3s")]
    [InlineData("99999999999999999999h")]
    [InlineData("soon")]
    public void Unreadable_durations_are_ignored(string value)
    {
        Assert.Null(RateHintValues.Duration(value));
    }

    [Theory]
    [InlineData("2025-12-18T23:29:18Z", 3_000)]
    [InlineData("2025-12-18T23:29:16.250Z", 1_250)]
    [InlineData("2025-12-19T00:29:18+01:00", 3_000)]
    [InlineData("2025-12-18T23:29:00Z", 0)] // already past: no wait
    public void Anthropic_resets_are_times_read_as_delays_from_now(string value, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RateHintValues.Until(value, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2025-13-18T23:29:18Z")]
    [InlineData("1734564558")]
    [InlineData("Thu, 18 Dec 2025 23:29:18 GMT")]
    public void Unreadable_reset_times_are_ignored(string value)
    {
        Assert.Null(RateHintValues.Until(value, Now));
    }

    [Theory]
    [InlineData("7", 7_000)]
    [InlineData("0", 0)]
    [InlineData("1.5", 1_500)]
    [InlineData("Thu, 18 Dec 2025 23:29:45 GMT", 30_000)]
    [InlineData("Thu, 18 Dec 2025 23:00:00 GMT", 0)]
    public void Retry_after_is_seconds_or_an_HTTP_date(string value, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RateHintValues.RetryAfter(value, Now));
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("soon")]
    [InlineData("1e9")]
    [InlineData("99999999999")]
    [InlineData("2025-12-18T23:29:45Z")]
    public void Unreadable_retry_after_is_ignored(string value)
    {
        Assert.Null(RateHintValues.RetryAfter(value, Now));
    }

    [Theory]
    [InlineData("3999", 3999L)]
    [InlineData("0", 0L)]
    [InlineData(" 42 ", 42L)]
    [InlineData("-1", null)]
    [InlineData("1.5", null)]
    [InlineData("lots", null)]
    [InlineData("99999999999999999999999", null)]
    public void Counts_are_non_negative_integers(string value, long? expected)
    {
        Assert.Equal(expected, RateHintValues.Count(value));
    }

    [Fact]
    public void OpenAIs_headers_fill_the_request_and_token_fields()
    {
        var hints = Read(
            ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-limit-tokens", "30000"),
            ("x-ratelimit-remaining-requests", "499"),
            ("x-ratelimit-remaining-tokens", "29782"),
            ("x-ratelimit-reset-requests", "120ms"),
            ("x-ratelimit-reset-tokens", "6m0s"),
            ("retry-after-ms", "250"),
            ("retry-after", "1"));

        Assert.Equal(new ProviderRateHints
        {
            RequestsLimit = 500,
            TokensLimit = 30000,
            RequestsRemaining = 499,
            TokensRemaining = 29782,
            RequestsReset = TimeSpan.FromMilliseconds(120),
            TokensReset = TimeSpan.FromMinutes(6),
            RetryAfter = TimeSpan.FromMilliseconds(250), // the more precise header wins
        }, hints);
        Assert.Equal(1, hints!.RetryAfterSeconds);
    }

    [Fact]
    public void Anthropics_headers_fill_every_field_with_resets_as_delays()
    {
        var hints = Read(
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3999"),
            ("anthropic-ratelimit-requests-reset", "2025-12-18T23:29:16Z"),
            ("anthropic-ratelimit-tokens-limit", "2800000"),
            ("anthropic-ratelimit-tokens-remaining", "2799000"),
            ("anthropic-ratelimit-tokens-reset", "2025-12-18T23:29:18Z"),
            ("anthropic-ratelimit-input-tokens-limit", "2000000"),
            ("anthropic-ratelimit-input-tokens-remaining", "1999000"),
            ("anthropic-ratelimit-input-tokens-reset", "2025-12-18T23:29:17Z"),
            ("anthropic-ratelimit-output-tokens-limit", "400000"),
            ("anthropic-ratelimit-output-tokens-remaining", "399000"),
            ("anthropic-ratelimit-output-tokens-reset", "2025-12-18T23:29:25Z"),
            ("Retry-After", "12"));

        Assert.Equal(new ProviderRateHints
        {
            RequestsLimit = 4000,
            RequestsRemaining = 3999,
            RequestsReset = TimeSpan.FromSeconds(1),
            TokensLimit = 2800000,
            TokensRemaining = 2799000,
            TokensReset = TimeSpan.FromSeconds(3),
            InputTokensLimit = 2000000,
            InputTokensRemaining = 1999000,
            InputTokensReset = TimeSpan.FromSeconds(2),
            OutputTokensLimit = 400000,
            OutputTokensRemaining = 399000,
            OutputTokensReset = TimeSpan.FromSeconds(10),
            RetryAfter = TimeSpan.FromSeconds(12),
        }, hints);
    }

    [Fact]
    public void Garbage_values_are_left_out_and_the_readable_ones_kept()
    {
        var hints = Read(
            ("x-ratelimit-limit-requests", "many"),
            ("x-ratelimit-remaining-requests", "7"),
            ("x-ratelimit-reset-tokens", "whenever"),
            ("anthropic-ratelimit-tokens-reset", "later"),
            ("retry-after", "-5"));

        Assert.Equal(new ProviderRateHints { RequestsRemaining = 7 }, hints);
    }

    [Fact]
    public void An_answer_without_hints_has_none()
    {
        Assert.Null(Read(("content-type", "application/json"), ("x-request-id", "req_1"), ("apim-request-id", "a"), ("retry-after", "soon")));
        Assert.Null(Read());
    }

    [Fact]
    public void Reading_headers_without_hints_allocates_nothing()
    {
        using var response = Response(("x-request-id", "req_1"), ("openai-processing-ms", "112"), ("access-control-expose-headers", "X-Request-ID"));
        var time = new ManualTime(Now);
        RateHintHeaders.Read(response.Headers, time); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var hints = RateHintHeaders.Read(response.Headers, time);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(hints);
        Assert.Equal(0, allocated);
    }

    private static ProviderRateHints? Read(params (string Name, string Value)[] headers)
    {
        using var response = Response(headers);
        return RateHintHeaders.Read(response.Headers, new ManualTime(Now));
    }

    private static HttpResponseMessage Response(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
