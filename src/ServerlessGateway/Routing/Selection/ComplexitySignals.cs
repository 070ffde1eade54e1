using System.Text;
using System.Text.Json;
using ServerlessGateway.Governance;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// The cheap, local facts the auto model classifies a chat request by. Each is read on first use only, so a
/// rule that decides on the message count never pays for tokenizing the prompt.
/// </summary>
public sealed class ComplexitySignals(ChatRequest request, ITokenCounter tokens)
{
    private long? promptTokens;
    private bool? hasCode;
    private string? lastUserText;

    /// <summary>Prompt tokens as admission counts them (the gateway's tokenizer; an estimate for very large bodies).</summary>
    public long PromptTokens => promptTokens ??= AdmissionEstimate.PromptTokens(request, tokens);

    public bool HasCode => hasCode ??= CodeDetector.HasCode(request.Body.Span.Slice(request.Messages.Start, request.Messages.Length));

    public int ToolCount => request.ToolCount;

    public bool HasImages => request.HasImages;

    public int MessageCount => request.MessageCount;

    /// <summary>The first of <paramref name="keywords"/> that occurs as a whole word or phrase in the last user message, ignoring case.</summary>
    public string? FindKeyword(IReadOnlyList<string> keywords)
    {
        var text = lastUserText ??= LastUserText(request);
        foreach (var keyword in keywords)
        {
            if (ContainsWord(text, keyword))
            {
                return keyword;
            }
        }

        return null;
    }

    /// <summary>"prove" is found in "Prove it." but not in "improve": a match must not continue a word on either side.</summary>
    internal static bool ContainsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + word.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The last user message's text: the string, or its text parts joined by newlines.</summary>
    private static string LastUserText(ChatRequest request) => ChatContentText.LastUserText(request, "\n", nameOtherParts: false) ?? "";
}
