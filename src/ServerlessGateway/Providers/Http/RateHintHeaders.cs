using System.Net.Http.Headers;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// Reads <see cref="ProviderRateHints"/> from an upstream answer's headers. It runs on every answer, so it
/// walks the headers once without validating or copying them, and allocates nothing unless a hint is there.
/// </summary>
public static class RateHintHeaders
{
    // The longest name read ("anthropic-ratelimit-output-tokens-remaining") fits with room to spare.
    private const int MaxNameLength = 64;

    public static ProviderRateHints? Read(HttpResponseHeaders headers, TimeProvider time)
    {
        var found = new Found();
        Span<char> lower = stackalloc char[MaxNameLength];
        foreach (var (name, values) in headers.NonValidated)
        {
            // Every name read starts with x-, anthropic- or retry-after and is at least 11 long: a cheap filter.
            if (name.Length is < 11 or > MaxNameLength || (char)(name[0] | 0x20) is not ('x' or 'a' or 'r'))
            {
                continue;
            }

            var length = name.AsSpan().ToLowerInvariant(lower);
            found.Read(lower[..length], values.ToString(), time);
        }

        return found.Any ? found.ToHints() : null;
    }

    /// <summary>The hints seen so far, in one struct on the stack.</summary>
    private struct Found
    {
        private long? requestsLimit, requestsRemaining, tokensLimit, tokensRemaining;
        private long? inputLimit, inputRemaining, outputLimit, outputRemaining;
        private TimeSpan? requestsReset, tokensReset, inputReset, outputReset;
        private TimeSpan? retryAfter, retryAfterMs;

        public readonly bool Any =>
            requestsLimit.HasValue || requestsRemaining.HasValue || tokensLimit.HasValue || tokensRemaining.HasValue
            || inputLimit.HasValue || inputRemaining.HasValue || outputLimit.HasValue || outputRemaining.HasValue
            || requestsReset.HasValue || tokensReset.HasValue || inputReset.HasValue || outputReset.HasValue
            || retryAfter.HasValue || retryAfterMs.HasValue;

        public void Read(ReadOnlySpan<char> name, string value, TimeProvider time)
        {
            switch (name)
            {
                // OpenAI, Azure OpenAI and most OpenAI-compatible servers.
                case "x-ratelimit-limit-requests": requestsLimit = RateHintValues.Count(value); break;
                case "x-ratelimit-limit-tokens": tokensLimit = RateHintValues.Count(value); break;
                case "x-ratelimit-remaining-requests": requestsRemaining = RateHintValues.Count(value); break;
                case "x-ratelimit-remaining-tokens": tokensRemaining = RateHintValues.Count(value); break;
                case "x-ratelimit-reset-requests": requestsReset = RateHintValues.Duration(value); break;
                case "x-ratelimit-reset-tokens": tokensReset = RateHintValues.Duration(value); break;

                // Anthropic: resets are RFC 3339 times.
                case "anthropic-ratelimit-requests-limit": requestsLimit = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-requests-remaining": requestsRemaining = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-requests-reset": requestsReset = RateHintValues.Until(value, time.GetUtcNow()); break;
                case "anthropic-ratelimit-tokens-limit": tokensLimit = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-tokens-remaining": tokensRemaining = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-tokens-reset": tokensReset = RateHintValues.Until(value, time.GetUtcNow()); break;
                case "anthropic-ratelimit-input-tokens-limit": inputLimit = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-input-tokens-remaining": inputRemaining = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-input-tokens-reset": inputReset = RateHintValues.Until(value, time.GetUtcNow()); break;
                case "anthropic-ratelimit-output-tokens-limit": outputLimit = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-output-tokens-remaining": outputRemaining = RateHintValues.Count(value); break;
                case "anthropic-ratelimit-output-tokens-reset": outputReset = RateHintValues.Until(value, time.GetUtcNow()); break;

                case "retry-after": retryAfter = RateHintValues.RetryAfter(value, time.GetUtcNow()); break;
                case "retry-after-ms": retryAfterMs = RateHintValues.Milliseconds(value); break;
            }
        }

        public readonly ProviderRateHints ToHints() => new()
        {
            RequestsLimit = requestsLimit,
            RequestsRemaining = requestsRemaining,
            RequestsReset = requestsReset,
            TokensLimit = tokensLimit,
            TokensRemaining = tokensRemaining,
            TokensReset = tokensReset,
            InputTokensLimit = inputLimit,
            InputTokensRemaining = inputRemaining,
            InputTokensReset = inputReset,
            OutputTokensLimit = outputLimit,
            OutputTokensRemaining = outputRemaining,
            OutputTokensReset = outputReset,

            // The millisecond header, where sent, is the more precise of the two.
            RetryAfter = retryAfterMs ?? retryAfter,
        };
    }
}
