using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Auth;

/// <summary>
/// Reads the caller's key from "Authorization: Bearer" (OpenAI SDKs), "api-key" (Azure SDKs) or
/// "x-api-key" (Anthropic SDKs), in that order: the first header present decides.
/// </summary>
public static class KeyAuthenticator
{
    private const string BearerPrefix = "Bearer ";
    private const string AzureKeyHeader = "api-key";
    private const string AnthropicKeyHeader = "x-api-key";

    /// <summary>The presented key (trimmed), or false when no header carries exactly one.</summary>
    public static bool TryReadKey(HttpRequest request, out ReadOnlySpan<char> key)
    {
        key = default;
        var headers = request.Headers;
        var authorization = headers[HeaderNames.Authorization];
        if (authorization.Count == 1)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                key = value[BearerPrefix.Length..].Trim();
                return true;
            }
        }

        var apiKey = headers[AzureKeyHeader];
        if (apiKey.Count > 0)
        {
            return apiKey.Count == 1 && Trimmed(apiKey[0], out key);
        }

        var anthropicKey = headers[AnthropicKeyHeader];
        return anthropicKey.Count == 1 && Trimmed(anthropicKey[0], out key);
    }

    /// <summary>Whether the caller sent a key at all (a wrong key is 401 "incorrect", a missing one 401 "missing").</summary>
    public static bool HasCredentials(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(AzureKeyHeader) || request.Headers.ContainsKey(AnthropicKeyHeader);

    private static bool Trimmed(string? value, out ReadOnlySpan<char> key)
    {
        key = value.AsSpan().Trim();
        return true;
    }
}
