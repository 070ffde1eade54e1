using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Auth;

/// <summary>Reads the caller's key from "Authorization: Bearer" (OpenAI SDKs) or "api-key" (Azure SDKs).</summary>
public static class KeyAuthenticator
{
    private const string BearerPrefix = "Bearer ";

    public static CallerIdentity? Authenticate(HttpRequest request, GatewaySnapshot snapshot)
    {
        var headers = request.Headers;
        var authorization = headers[HeaderNames.Authorization];
        if (authorization.Count == 1)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return snapshot.Keys.Find(value[BearerPrefix.Length..].Trim());
            }
        }

        var apiKey = headers["api-key"];
        return apiKey.Count == 1 ? snapshot.Keys.Find(apiKey[0].AsSpan().Trim()) : null;
    }
}
