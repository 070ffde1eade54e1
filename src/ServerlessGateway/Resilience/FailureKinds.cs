namespace ServerlessGateway.Resilience;

/// <summary>
/// Finer questions about a failed attempt than <see cref="FailureClassifier"/>'s action, for routing: is it worth
/// retrying the same deployment, does it say something about the deployment's health, and is it the provider
/// saying the prompt is longer than the model's context.
/// </summary>
public static class FailureKinds
{
    /// <summary>A blip that another try at the same deployment may not meet: time-outs, resets, overload, 5xx.</summary>
    public static bool IsTransient(UpstreamFailure failure) =>
        failure.Action == FailureAction.TryNextDeployment && !failure.NotSent && failure.Error.Status is 408 or 429 or 500 or 502 or 503 or 504 or 529;

    public static bool IsRateLimited(UpstreamFailure failure) => failure.Error.Status == 429 && !failure.NotSent;

    /// <summary>
    /// Whether the failure counts against the deployment's circuit breaker: it was called and failed in a way that
    /// is its own fault. Not a 429 (that is a cool-down, honouring Retry-After), not the request's fault (a 400 shows
    /// the deployment is alive), not a refusal made before sending (budget, untranslatable).
    /// </summary>
    public static bool CountsAgainstDeployment(UpstreamFailure failure) =>
        failure.Action == FailureAction.TryNextDeployment && !failure.NotSent && failure.Error.Status != 429 && !failure.IsRefusal;

    /// <summary>
    /// The provider refused the prompt as longer than the model's context: OpenAI and Azure say code
    /// "context_length_exceeded", Anthropic "prompt is too long", Gemini "exceeds the maximum number of tokens".
    /// </summary>
    public static bool IsContextLengthExceeded(UpstreamFailure failure)
    {
        var error = failure.Error;
        if (error.Status is not (400 or 413 or 422))
        {
            return false;
        }

        if (error.Code is "context_length_exceeded" or "string_above_max_length")
        {
            return true;
        }

        var message = error.Message;
        return message.Contains("context length", StringComparison.OrdinalIgnoreCase)
            || message.Contains("context window", StringComparison.OrdinalIgnoreCase)
            || message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
            || message.Contains("exceeds the maximum number of tokens", StringComparison.OrdinalIgnoreCase)
            || message.Contains("maximum context", StringComparison.OrdinalIgnoreCase);
    }
}
