using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// Counts tokens for a model before a request is sent: for admission under token limits, budget reservations,
/// context-window routing and count_tokens endpoints. Thread-safe; registered as a singleton.
/// </summary>
public interface ITokenCounter
{
    /// <summary>Tokens of plain text (special-token text such as "&lt;|endoftext|&gt;" counts as text).</summary>
    TokenCount CountText(string model, ReadOnlySpan<char> text);

    /// <summary>Tokens of plain UTF-8 text.</summary>
    TokenCount CountText(string model, ReadOnlySpan<byte> utf8);

    /// <summary>
    /// Prompt tokens of an OpenAI chat-completions body: messages with OpenAI's per-message framing, tools, tool
    /// calls and results, images, response_format. Throws <see cref="System.Text.Json.JsonException"/> when the
    /// body is not a chat request.
    /// </summary>
    TokenCount CountChat(string model, ReadOnlySpan<byte> chatRequestBody);

    /// <summary>Prompt tokens of a parsed (so already valid) chat request, for the model it asks for.</summary>
    TokenCount CountChat(ChatRequest request);
}

/// <summary>
/// A count, the encoding it used, and whether it is an estimate: true when the model's tokenizer is not known
/// (another vendor's model, counted with o200k_base) or the count includes parts whose cost OpenAI does not
/// publish exactly (tools, images, audio, structured-output schemas).
/// </summary>
public readonly record struct TokenCount(int Tokens, string Encoding, bool IsEstimate);
