using Microsoft.AspNetCore.Http;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Auth.Identity;

/// <summary>
/// Who is calling: the key read from the request (as <see cref="KeyAuthenticator"/> reads it) looked up in the
/// configuration's keys, then in the key store, with the directory's user, team and organisation scopes added.
/// Cached in memory so the hot path does not touch the store.
/// </summary>
public interface IIdentityResolver
{
    ValueTask<IdentityResolution> ResolveAsync(HttpRequest request, GatewaySnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>The caller, or (when null) the OpenAI-shaped 401 to answer: missing, incorrect or expired key.</summary>
public readonly record struct IdentityResolution(CallerIdentity? Caller, GatewayError? Error)
{
    public static readonly IdentityResolution Missing = new(null, GatewayError.MissingKey());

    public static readonly IdentityResolution Invalid = new(null, GatewayError.InvalidKey());

    public static IdentityResolution Expired { get; } = new(null, new GatewayError(
        StatusCodes.Status401Unauthorized, "This API key has expired. Ask your gateway administrator for a new one.", GatewayError.InvalidRequestType, "expired_api_key"));

    public static IdentityResolution Of(CallerIdentity caller) => new(caller, null);

    public static IdentityResolution Unavailable { get; } = new(null, GatewayError.StoreUnavailable("key store", "identity_unavailable"));
}
