namespace ServerlessGateway.Pipeline;

/// <summary>The APIs a caller may speak besides OpenAI's chat completions.</summary>
public enum CallerApi
{
    /// <summary>Anthropic's Messages API (POST /v1/messages).</summary>
    AnthropicMessages,
}

/// <summary>
/// A request as a caller that speaks another API sent it, kept beside its OpenAI translation. An adapter
/// for a provider that speaks that same API forwards this body (with the deployment's model spliced in at
/// <see cref="ModelToken"/>) instead of translating the translation back, and answers in that API: a
/// complete answer as a <see cref="Providers.BufferedUpstreamResponse"/> with <c>InCallerApi</c> set, a
/// stream by handing each upstream event to <see cref="Providers.Streaming.IChunkSink.Relay"/>.
/// </summary>
/// <param name="Api">The API <see cref="Body"/> is written in.</param>
/// <param name="Body">The caller's body as it came; valid while the request is handled.</param>
/// <param name="ModelToken">Where the "model" string token sits in <see cref="Body"/>, quotes included.</param>
/// <param name="Headers">Headers of that API the caller sent that change what the upstream does (Anthropic: anthropic-beta).</param>
public sealed record CallerApiRequest(CallerApi Api, ReadOnlyMemory<byte> Body, TokenSpan ModelToken, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>
    /// Set when the request holds what only <see cref="Api"/> can express (Anthropic: server tools, Files API
    /// ids, search results): its OpenAI translation is then a stand-in, good for reading the request (model,
    /// stream, limits) but never to be sent. Only an adapter that speaks <see cref="Api"/> natively serves
    /// it; the pipeline refuses every other deployment with this error before sending.
    /// </summary>
    public GatewayError? Untranslatable { get; init; }
}
