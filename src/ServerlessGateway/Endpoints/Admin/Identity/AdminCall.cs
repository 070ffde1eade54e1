using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>One authorised admin request: its context, the configuration it runs against and the admin caller.</summary>
public sealed record AdminCall(HttpContext Context, GatewaySnapshot Snapshot, CallerIdentity Caller)
{
    /// <summary>Admin bodies are small; anything past this is a mistake, not a key.</summary>
    private const long MaxBodyBytes = 256 * 1024;

    public CancellationToken Aborted => Context.RequestAborted;

    public string RouteId => Context.Request.RouteValues["id"] as string ?? string.Empty;

    /// <summary>A JSON object body and the names of the fields it sent (a PATCH changes only those), or the 400 to answer.</summary>
    public async Task<(T? Value, HashSet<string> Sent, GatewayError? Error)> ReadBodyAsync<T>(JsonTypeInfo<T> type, bool allowEmpty = false)
        where T : class, new()
    {
        var read = await PooledBody.ReadAsync(Context.Request, MaxBodyBytes, Aborted);
        if (read.Error is { } tooLarge)
        {
            return (null, [], tooLarge);
        }

        using var body = read.Body!;
        if (body.Length == 0 && allowEmpty)
        {
            return (new T(), [], null);
        }

        try
        {
            using var document = JsonDocument.Parse(body.Memory);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, [], GatewayError.InvalidRequest("The request body must be a JSON object.", code: "invalid_json"));
            }

            var sent = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            return (document.RootElement.Deserialize(type) ?? new T(), sent, null);
        }
        catch (JsonException ex)
        {
            var param = ex.Path is { Length: > 2 } path ? path[2..] : null;
            return (null, [], param is null
                ? GatewayError.InvalidJson(ex.Message)
                : GatewayError.InvalidRequest($"Invalid value for '{param}': {ex.Message}", param, "invalid_type"));
        }
    }

    /// <summary>The version named by If-Match ("3", "\"3\"" or W/"3"), null without the header, or an error for a bad one.</summary>
    public (long? Version, GatewayError? Error) IfMatch()
    {
        var header = Context.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return (null, null);
        }

        var text = header.ToString().Trim();
        text = (text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text).Trim('"');
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (version, null)
            : (null, GatewayError.InvalidRequest("If-Match must be the ETag (version) of the resource, e.g. \"3\".", "If-Match", "invalid_if_match"));
    }

    /// <summary>?limit= (1..1000, default 100) and ?after= of a listing.</summary>
    public (int Limit, string? After, GatewayError? Error) Page()
    {
        var query = Context.Request.Query;
        var after = query["after"].ToString() is { Length: > 0 } a ? a : null;
        if (query["limit"].Count == 0)
        {
            return (100, after, null);
        }

        return int.TryParse(query["limit"].ToString(), out var limit) && limit is >= 1 and <= 1000
            ? (limit, after, null)
            : (0, null, GatewayError.InvalidRequest("limit must be a whole number between 1 and 1000.", "limit", "invalid_value"));
    }

    public string? Query(string name) => Context.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    public Task WriteAsync<T>(T value, JsonTypeInfo<T> type, long version, int status = StatusCodes.Status200OK)
    {
        Context.Response.Headers.ETag = $"\"{version}\"";
        return JsonResponse.WriteAsync(Context.Response, status, JsonSerializer.SerializeToUtf8Bytes(value, type));
    }

    public Task WriteListAsync<T>(ListView<T> list, JsonTypeInfo<ListView<T>> type) =>
        JsonResponse.WriteAsync(Context.Response, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(list, type));
}
