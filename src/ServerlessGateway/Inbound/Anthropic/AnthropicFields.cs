using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// Typed reads of an Anthropic request's fields with Anthropic's own 400 wording ("max_tokens: Field
/// required", "messages.0.content: Input should be a valid list"), so SDKs and people see what they
/// would see from Anthropic. A bad field throws <see cref="InvalidAnthropicRequestException"/>: the
/// translator walks nested blocks, and a throw at the offending field keeps each step one line; the
/// translator catches it at its boundary and returns the error as a value.
/// </summary>
internal static class AnthropicFields
{
    public static string Path(string parent, string field) => parent.Length == 0 ? field : parent + "." + field;

    public static string Path(string parent, int index) => parent + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The field's value, or null when it is absent or JSON null (Anthropic treats both as "not given").</summary>
    public static JsonElement? Optional(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement Required(JsonElement owner, string name, string path) =>
        Optional(owner, name) ?? throw Invalid(path, "Field required");

    public static string RequiredString(JsonElement owner, string name, string path) => String(Required(owner, name, path), path);

    public static string? OptionalString(JsonElement owner, string name, string path) =>
        Optional(owner, name) is { } value ? String(value, path) : null;

    public static string String(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(path, "Input should be a valid string");

    public static JsonElement Object(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, "Input should be a valid dictionary");

    public static JsonElement Array(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Array ? value : throw Invalid(path, "Input should be a valid list");

    public static bool? OptionalBool(JsonElement owner, string name, string path) => Optional(owner, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Invalid(path, "Input should be a valid boolean"),
    };

    public static long Integer(JsonElement value, string path, long min)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw Invalid(path, "Input should be a valid integer");
        }

        return number >= min ? number : throw Invalid(path, $"Input should be greater than or equal to {min}");
    }

    public static double Number(JsonElement value, string path, double min, double max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw Invalid(path, "Input should be a valid number");
        }

        return number < min ? throw Invalid(path, $"Input should be greater than or equal to {min}")
            : number > max ? throw Invalid(path, $"Input should be less than or equal to {max}")
            : number;
    }

    /// <summary>A block's "type" tag, required on every content block.</summary>
    public static string Type(JsonElement block, string path) => RequiredString(Object(block, path), "type", Path(path, "type"));

    public static InvalidAnthropicRequestException Invalid(string path, string problem) => new(path.Length == 0 ? problem : $"{path}: {problem}", path);
}

/// <summary>A request the translator refuses; becomes a 400 invalid_request_error at the translator's boundary.</summary>
internal sealed class InvalidAnthropicRequestException(string message, string path) : Exception(message)
{
    public GatewayError ToError() => GatewayError.InvalidRequest(Message, Path.Length == 0 ? null : Path, "invalid_request");

    public string Path { get; } = path;
}
