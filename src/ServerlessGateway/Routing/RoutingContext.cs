using ServerlessGateway.Configuration;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Routing;

/// <summary>What a strategy may look at: the request, its token estimate (counted once, only if asked), time and chance.</summary>
public sealed class RoutingContext(ParsedRequest request, GatewaySnapshot snapshot, Func<long> promptTokens, IRandomSource random, TimeProvider time)
{
    public ParsedRequest Request { get; } = request;

    public GatewaySnapshot Snapshot { get; } = snapshot;

    public IRandomSource Random { get; } = random;

    public TimeProvider Time { get; } = time;

    public bool IsStreaming => Request is ChatRequest { Stream: true };

    /// <summary>The prompt's token estimate (shared with admission, so a prompt is counted at most once).</summary>
    public long PromptTokens => promptTokens();

    public long OutputTokens(int? maxOutput) => AdmissionEstimate.OutputTokens(Request, maxOutput ?? Snapshot.Governance.DefaultMaxTokens);

    /// <summary>
    /// Whether the prompt is surely longer than <paramref name="window"/> tokens. A token covers at least one byte, so
    /// a body no longer than the window fits without counting (most requests never reach the tokenizer here). A body
    /// past the exact-count limit is only estimated, and is mostly images or files whose bytes are not text tokens: it
    /// is not skipped on a guess — the provider's own "context length exceeded" moves it to the long-context model.
    /// </summary>
    public bool Exceeds(long window) =>
        Request.Body.Memory.Length > window && Request.Body.Memory.Length <= AdmissionEstimate.ExactCountLimit && PromptTokens > window;
}
