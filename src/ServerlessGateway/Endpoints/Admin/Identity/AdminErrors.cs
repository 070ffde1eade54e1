using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Storage;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>The admin API's refusals, OpenAI-shaped.</summary>
public static class AdminErrors
{
    public static GatewayError NotFound(string what, string id) => new(
        StatusCodes.Status404NotFound, $"No {what} with id '{id}'.", GatewayError.InvalidRequestType, "not_found");

    public static GatewayError VersionConflict(string what, string id) => new(
        StatusCodes.Status409Conflict,
        $"The {what} '{id}' was changed by someone else (its ETag is not the one in If-Match). Read it again and retry.",
        GatewayError.InvalidRequestType,
        "version_conflict");

    public static GatewayError Duplicate(string what, string id) => new(
        StatusCodes.Status409Conflict, $"A {what} with id '{id}' already exists.", GatewayError.InvalidRequestType, "already_exists", "id");

    public static GatewayError InUse(string what, string id, string by) => new(
        StatusCodes.Status409Conflict, $"The {what} '{id}' still has {by}; move or delete them first.", GatewayError.InvalidRequestType, "in_use");

    public static GatewayError Invalid(string param, string message) => GatewayError.InvalidRequest(message, param, "invalid_value");

    /// <summary>The error for a failed store write (null when it was done).</summary>
    public static GatewayError? Of(StoreWriteStatus status, string what, string id) => status switch
    {
        StoreWriteStatus.Done => null,
        StoreWriteStatus.NotFound => NotFound(what, id),
        StoreWriteStatus.Duplicate => Duplicate(what, id),
        _ => VersionConflict(what, id),
    };
}
