using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Governance;

/// <summary>
/// What a request may cost before it is sent: its prompt tokens (the tokenizer's count) and the output it
/// allows (max_tokens × n, or a default). Counted only when a limit or budget needs it, so ungoverned traffic
/// pays nothing for it.
/// </summary>
public static class AdmissionEstimate
{
    /// <summary>
    /// Bodies past this are estimated, not counted: exact BPE over megabytes (a long base64 string is one
    /// enormous piece) costs seconds. The estimate is 2 bytes a token — above what English (≈ 4) and code
    /// (≈ 3) produce, so reservations stay on the safe side; settlement then charges the real usage.
    /// </summary>
    public const int ExactCountLimit = 256 * 1024;

    public static long PromptTokens(ParsedRequest request, ITokenCounter tokens) => request switch
    {
        _ when request.Body.Length > ExactCountLimit => request.Body.Length / 2,
        ChatRequest chat => tokens.CountChat(chat).Tokens,
        EmbeddingsRequest embeddings => tokens.CountText(request.Model, embeddings.Body.Memory.Span.Slice(embeddings.Input.Start, embeddings.Input.Length)).Tokens,
        _ => request.Body.Length,
    };

    /// <summary>Room for what the chat format adds beyond the body's own bytes (reply priming, the tools preamble).</summary>
    public const int BoundMargin = 128;

    /// <summary>
    /// A bound on the prompt's tokens that costs nothing to compute, or null when only counting gives one. A token
    /// covers at least one byte, and the chat format's overhead (a few tokens a message, the tools preamble) is smaller
    /// than the JSON syntax around the same content, so a text-only body's length plus a margin is never below its
    /// count. Images cost tokens by their dimensions, not their bytes, so a request with images is counted.
    /// </summary>
    public static long? PromptUpperBound(ParsedRequest request) => request switch
    {
        _ when request.Body.Length > ExactCountLimit => null,
        ChatRequest { HasImages: true } => null,
        ChatRequest or EmbeddingsRequest => request.Body.Length + BoundMargin,
        _ => null,
    };

    /// <summary>The output a request may produce: max_tokens (or <paramref name="fallback"/>) for each of its n choices.</summary>
    public static long OutputTokens(ParsedRequest request, long fallback) => request switch
    {
        ChatRequest chat => (long)(chat.MaxTokens ?? fallback) * chat.ChoiceCount,
        _ => 0,
    };
}
