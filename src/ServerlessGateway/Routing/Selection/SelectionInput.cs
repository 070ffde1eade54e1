using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Routing.Selection;

/// <summary>What a selection may look at: who calls, the parsed request, its headers and its merged usage tags.</summary>
public readonly record struct SelectionInput(
    CallerIdentity Caller, ParsedRequest Request, IHeaderDictionary Headers, IReadOnlyDictionary<string, string> Tags)
{
    public const string ConversationHeader = "x-gateway-conversation-id";
    public const string ConversationMetadata = "conversation_id";

    /// <summary>The end user: the body's "user", else the user the key belongs to.</summary>
    public string? User => Request.User ?? Caller.UserId;

    /// <summary>The conversation: the x-gateway-conversation-id header, else metadata conversation_id.</summary>
    public string? Conversation => Header(ConversationHeader) ?? Metadata(ConversationMetadata);

    /// <summary>The header's values joined with commas, or null when it was not sent.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    public string? Metadata(string name)
    {
        foreach (var (key, value) in Request.Metadata ?? [])
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value : null;
}
