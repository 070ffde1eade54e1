using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>The pieces of OpenAI content parts and tool calls that become Anthropic sources and inputs.</summary>
internal static class AnthropicContentParts
{
    /// <summary>An OpenAI image part's URL as an Anthropic image source: a base64 data URL as base64, anything else as a URL.</summary>
    public static void WriteImageSource(Utf8JsonWriter writer, JsonElement part, string path)
    {
        var image = part.TryGetProperty("image_url", out var i) ? i : default;
        var url = image.ValueKind == JsonValueKind.String ? image.GetString()
            : image.ValueKind == JsonValueKind.Object && image.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()
            : null;
        if (string.IsNullOrEmpty(url))
        {
            throw AnthropicRequestException.Invalid(path + ".image_url.url", "An image part needs image_url.url.");
        }

        writer.WriteStartObject("source");
        if (TryParseDataUrl(url, out var mediaType, out var data))
        {
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", mediaType);
            writer.WriteString("data", data);
        }
        else if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw AnthropicRequestException.Invalid(path + ".image_url.url", "An image data URL must be base64 (data:image/png;base64,...).");
        }
        else
        {
            writer.WriteString("type", "url");
            writer.WriteString("url", url);
        }

        writer.WriteEndObject();
    }

    /// <summary>An OpenAI file part (file_data, a base64 data URL; PDF when it names no type) as a document source.</summary>
    public static void WriteDocumentSource(Utf8JsonWriter writer, JsonElement part, string path)
    {
        var file = part.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (file.ValueKind != JsonValueKind.Object || !file.TryGetProperty("file_data", out var fileData) || fileData.ValueKind != JsonValueKind.String)
        {
            throw AnthropicRequestException.Unsupported(path + ".file", "Only files sent inline (file.file_data) can be passed on; OpenAI file ids mean nothing to Anthropic.");
        }

        var value = fileData.GetString()!;
        writer.WriteStartObject("source");
        writer.WriteString("type", "base64");
        if (TryParseDataUrl(value, out var mediaType, out var data))
        {
            writer.WriteString("media_type", mediaType);
            writer.WriteString("data", data);
        }
        else if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw AnthropicRequestException.Invalid(path + ".file.file_data", "A file data URL must be base64 (data:application/pdf;base64,...).");
        }
        else
        {
            writer.WriteString("media_type", "application/pdf");
            writer.WriteString("data", value);
        }

        writer.WriteEndObject();
        if (file.TryGetProperty("filename", out var name) && name.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("title", name.GetString());
        }
    }

    /// <summary>A tool call's arguments (a JSON string, or an object some clients send) as Anthropic's input object.</summary>
    public static void WriteArguments(Utf8JsonWriter writer, JsonElement function, string path)
    {
        var arguments = function.TryGetProperty("arguments", out var a) ? a : default;
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            arguments.WriteTo(writer);
            return;
        }

        var text = arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : "";
        if (string.IsNullOrWhiteSpace(text))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        try
        {
            using var parsed = JsonDocument.Parse(text);
            if (parsed.RootElement.ValueKind == JsonValueKind.Object)
            {
                parsed.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // Falls through to the error below.
        }

        throw AnthropicRequestException.Invalid(path, "A tool call's arguments must be a JSON object for Anthropic, which takes them as the tool's input.");
    }

    public static string TextOf(JsonElement part, string path) =>
        part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()!
            : throw AnthropicRequestException.Invalid(path + ".text", "A text part needs a string 'text'.");

    public static string RequiredString(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
            : throw AnthropicRequestException.Invalid(path, $"'{name}' must be a non-empty string.");

    /// <summary>Reads "data:[media type][;params];base64,[data]"; false for any other URL (or a data URL that is not base64).</summary>
    private static bool TryParseDataUrl(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            return false;
        }

        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = header[..^7];
        var parameters = type.IndexOf(';');
        mediaType = (parameters < 0 ? type : type[..parameters]).ToString();
        data = url[(comma + 1)..];
        return mediaType.Length > 0;
    }
}
