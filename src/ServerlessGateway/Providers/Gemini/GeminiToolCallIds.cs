using System.Security.Cryptography;
using System.Text;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// OpenAI tool calls need ids and Gemini's function calls usually have none, so the gateway makes them:
/// derived from the request id and the call's position (deterministic, unique per answer). Gemini 3 also
/// rejects a replayed function call without the thoughtSignature it came with, and OpenAI clients keep
/// nothing of a tool call but its id, name and arguments — so the signature travels inside the id, after
/// <see cref="SignatureMarker"/>, in base64url (which Gemini accepts for bytes fields, as proto3 JSON
/// does), and is sent back on the function call when the client replays the conversation.
/// </summary>
internal static class GeminiToolCallIds
{
    public const string SignatureMarker = "__sig_";

    /// <summary>The id of a tool call: Gemini's own id when it gave one, else one made from the request id.</summary>
    public static string Create(string requestId, int choice, int call, string? geminiId, string? signature)
    {
        var id = string.IsNullOrEmpty(geminiId) ? Made(requestId, choice, call) : geminiId;
        return signature is { Length: > 0 } ? id + SignatureMarker + ToBase64Url(signature) : id;
    }

    /// <summary>The thought signature carried by a tool call id, if it carries one.</summary>
    public static string? Signature(string toolCallId)
    {
        var at = toolCallId.IndexOf(SignatureMarker, StringComparison.Ordinal);
        return at < 0 || at + SignatureMarker.Length == toolCallId.Length ? null : toolCallId[(at + SignatureMarker.Length)..];
    }

    private static string Made(string requestId, int choice, int call)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{requestId}/{choice}/{call}"), hash);
        return "call_" + Convert.ToHexStringLower(hash[..12]);
    }

    // Signatures are standard base64; the URL-safe form keeps ids to [A-Za-z0-9_-], which clients
    // (and the Anthropic API's tool_use ids) accept.
    private static string ToBase64Url(string base64) => base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
