using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization.Chat;

namespace ServerlessGateway.Tokenization;

/// <summary>
/// <see cref="ITokenCounter"/> over the tiktoken encodings. A gateway model name that is not an OpenAI model name
/// ("smart" → a deployment of gpt-4.1) is resolved through its deployments' upstream model names, so the count
/// uses the tokenizer of the model that will actually be called.
/// </summary>
public sealed class TokenCounter(GatewayConfigStore config) : ITokenCounter
{
    public TokenCount CountText(string model, ReadOnlySpan<char> text)
    {
        var (encoding, known, _) = Resolve(model);
        return new TokenCount(encoding.CountTokens(text), encoding.Name, !known);
    }

    public TokenCount CountText(string model, ReadOnlySpan<byte> utf8)
    {
        var (encoding, known, _) = Resolve(model);
        return new TokenCount(encoding.CountTokens(utf8), encoding.Name, !known);
    }

    public TokenCount CountChat(string model, ReadOnlySpan<byte> chatRequestBody)
    {
        var (encoding, known, resolved) = Resolve(model);
        var (tokens, estimate) = ChatPromptCounter.Count(chatRequestBody, encoding, resolved);
        return new TokenCount(tokens, encoding.Name, estimate || !known);
    }

    public TokenCount CountChat(ChatRequest request) => CountChat(request.Model, request.Body.Span);

    /// <summary>The encoding for a model name, whether it is the model's own, and the OpenAI model name it resolved to.</summary>
    public (TiktokenEncoding Encoding, bool IsKnown, string Model) Resolve(string model)
    {
        if (!ModelEncodings.IsKnown(model) && config.Current.Models.TryGetValue(model, out var logical))
        {
            foreach (var deployment in logical.Deployments.Concat(logical.Disabled))
            {
                if (ModelEncodings.IsKnown(deployment.UpstreamModel))
                {
                    model = deployment.UpstreamModel;
                    break;
                }
            }
        }

        var (encoding, known) = ModelEncodings.Resolve(model);
        return (encoding, known, model);
    }
}
