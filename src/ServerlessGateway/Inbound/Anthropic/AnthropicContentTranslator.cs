using System.Runtime.InteropServices;
using System.Text.Json;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// One block of a user turn as an OpenAI content part: text as text, an image (base64 or URL) as an
/// image_url (base64 as a data URL), a PDF as a file part, a plain-text document as text.
/// </summary>
internal static class AnthropicContentTranslator
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    public static void WriteUserPart(JsonElement block, string path, Utf8JsonWriter writer)
    {
        switch (block.GetProperty("type").GetString())
        {
            case "text":
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", RequiredString(block, "text", Path(path, "text")));
                writer.WriteEndObject();
                break;
            case "image":
                WriteImage(block, path, writer);
                break;
            case "document":
                WriteDocument(block, path, writer);
                break;
            case var other:
                throw Untranslatable(Path(path, "type"), other!);
        }
    }

    /// <summary>A block Anthropic knows but no OpenAI-format model can take (server tool results, files by id, search results).</summary>
    public static InvalidAnthropicRequestException Untranslatable(string path, string type) =>
        Invalid(path, $"The content block type '{type}' cannot be translated for a model served through an OpenAI-format deployment");

    private static void WriteImage(JsonElement block, string path, Utf8JsonWriter writer)
    {
        var sourcePath = Path(path, "source");
        var source = Object(Required(block, "source", sourcePath), sourcePath);
        writer.WriteStartObject();
        writer.WriteString("type", "image_url");
        writer.WriteStartObject("image_url");
        writer.WritePropertyName("url");
        switch (RequiredString(source, "type", Path(sourcePath, "type")))
        {
            case "base64":
                var mediaType = RequiredString(source, "media_type", Path(sourcePath, "media_type"));
                if (!ImageTypes.Contains(mediaType))
                {
                    throw Invalid(Path(sourcePath, "media_type"), $"Input should be {string.Join(", ", ImageTypes.Select(t => $"'{t}'"))}");
                }

                WriteDataUrl(mediaType, Required(source, "data", Path(sourcePath, "data")), Path(sourcePath, "data"), writer);
                break;
            case "url":
                writer.WriteStringValue(RequiredString(source, "url", Path(sourcePath, "url")));
                break;
            case var other:
                throw Invalid(Path(sourcePath, "type"), $"The image source type '{other}' cannot be translated (use 'base64' or 'url')");
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A base64 PDF becomes a file part (OpenAI reads PDFs from file_data); a text document becomes text, titled.</summary>
    private static void WriteDocument(JsonElement block, string path, Utf8JsonWriter writer)
    {
        var sourcePath = Path(path, "source");
        var source = Object(Required(block, "source", sourcePath), sourcePath);
        var title = OptionalString(block, "title", Path(path, "title"));
        switch (RequiredString(source, "type", Path(sourcePath, "type")))
        {
            case "base64":
                if (RequiredString(source, "media_type", Path(sourcePath, "media_type")) != "application/pdf")
                {
                    throw Invalid(Path(sourcePath, "media_type"), "Input should be 'application/pdf'");
                }

                writer.WriteStartObject();
                writer.WriteString("type", "file");
                writer.WriteStartObject("file");
                writer.WriteString("filename", string.IsNullOrEmpty(title) ? "document.pdf" : title);
                writer.WritePropertyName("file_data");
                WriteDataUrl("application/pdf", Required(source, "data", Path(sourcePath, "data")), Path(sourcePath, "data"), writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case "text":
                var text = RequiredString(source, "data", Path(sourcePath, "data"));
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", string.IsNullOrEmpty(title) ? text : title + "\n\n" + text);
                writer.WriteEndObject();
                break;
            case var other:
                throw Invalid(Path(sourcePath, "type"), $"The document source type '{other}' cannot be translated (use 'base64' or 'text')");
        }
    }

    /// <summary>
    /// "data:{type};base64,{data}" written from the request's own bytes: base64 data can be megabytes, so
    /// it is not decoded into a string and re-encoded. The raw token is copied as it is (any JSON escapes
    /// in it stay valid inside the new string); the media type is one of a fixed set, safe to write raw.
    /// </summary>
    private static void WriteDataUrl(string mediaType, JsonElement data, string path, Utf8JsonWriter writer)
    {
        String(data, path);
        var raw = JsonMarshal.GetRawUtf8Value(data); // quotes included
        var prefix = System.Text.Encoding.UTF8.GetBytes("\"data:" + mediaType + ";base64,");
        var value = new byte[prefix.Length + raw.Length - 1];
        prefix.CopyTo(value, 0);
        raw[1..].CopyTo(value.AsSpan(prefix.Length));
        writer.WriteRawValue(value, skipInputValidation: true);
    }
}
