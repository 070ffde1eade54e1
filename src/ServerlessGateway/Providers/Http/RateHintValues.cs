using System.Buffers;
using System.Globalization;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// The value formats of providers' rate-limit headers. Each parser returns null for anything it cannot read
/// (an upstream's hint is advice: a garbled one is ignored, never an exception).
/// </summary>
internal static class RateHintValues
{
    /// <summary>Beyond this a delay is not advice but garbage (and TimeSpan would overflow).</summary>
    private const double MaxSeconds = 366 * 24 * 3600;

    private static readonly SearchValues<char> NumberChars = SearchValues.Create("0123456789.");

    private static readonly string[] Rfc3339 = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>A count such as "3999": a non-negative integer.</summary>
    public static long? Count(ReadOnlySpan<char> value) =>
        long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;

    /// <summary>
    /// OpenAI's reset durations, written the way Go prints a duration: "1s", "6m0s", "20ms", "1h2m3.5s", "7.66s"
    /// (units h, m, s, ms, us or µs, ns, in any combination). A bare number, which some compatible servers
    /// send, is seconds.
    /// </summary>
    public static TimeSpan? Duration(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (value.IsEmpty)
        {
            return null;
        }

        if (IsNumber(value))
        {
            return Seconds(value);
        }

        double seconds = 0;
        while (!value.IsEmpty)
        {
            var numberLength = value.IndexOfAnyExcept(NumberChars);
            if (numberLength <= 0 || !double.TryParse(value[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            value = value[numberLength..];
            var unitLength = value.IndexOfAny(NumberChars);
            var unit = unitLength < 0 ? value : value[..unitLength];
            double? scale = unit switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" or "μs" => 1e-6,
                "ns" => 1e-9,
                _ => null,
            };
            if (scale is null)
            {
                return null;
            }

            seconds += number * scale.Value;
            value = value[unit.Length..];
        }

        return FromSeconds(seconds);
    }

    /// <summary>Anthropic's resets, RFC 3339 times ("2025-12-18T23:32:48Z"), as the delay from <paramref name="now"/> (zero once past).</summary>
    public static TimeSpan? Until(ReadOnlySpan<char> value, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParseExact(value.Trim(), Rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        var delay = at - now;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    /// <summary>Retry-After: seconds ("7", and "1.5" from some servers) or an HTTP date, as the delay from <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(ReadOnlySpan<char> value, DateTimeOffset now)
    {
        value = value.Trim();
        if (IsNumber(value))
        {
            return Seconds(value);
        }

        if (!DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        var delay = at - now;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    /// <summary>retry-after-ms (OpenAI, Azure): milliseconds, possibly fractional.</summary>
    public static TimeSpan? Milliseconds(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        return IsNumber(value) && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var millis)
            ? FromSeconds(millis / 1000)
            : null;
    }

    // Digits with at most one decimal point: what double parsing would also read as NaN, Infinity or 1e5 is refused.
    private static bool IsNumber(ReadOnlySpan<char> value) =>
        !value.IsEmpty && value.IndexOfAnyExcept(NumberChars) < 0 && value.Count('.') <= 1 && value is not ".";

    private static TimeSpan? Seconds(ReadOnlySpan<char> value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? FromSeconds(seconds) : null;

    private static TimeSpan? FromSeconds(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds <= MaxSeconds ? TimeSpan.FromSeconds(seconds) : null;
}
