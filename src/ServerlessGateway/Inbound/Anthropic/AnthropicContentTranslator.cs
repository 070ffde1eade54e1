using System.Runtime.InteropServices;
using System.Text.Json;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// One block of a user turn as an OpenAI content part: text as text, an image (base64 or URL) as an
/// image_url (base64 as a data URL), a PDF as a file part, a plain-text document as text. Anything else
/// (search results, Files API sources, …) is <see cref="UntranslatableContent"/>.
/// </summary>
internal static class AnthropicContentTranslator
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    public static void WriteUserPart(JsonElement block, string path, Utf8JsonWriter writer, UntranslatableContent untranslatable)
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
                WriteImage(block, path, writer, untranslatable);
                break;
            case "document":
                WriteDocument(block, path, writer, untranslatable);
                break;
            case var other:
                untranslatable.Block(Path(path, "type"), other!);
                UntranslatableContent.WriteStandIn(writer, other!);
                break;
        }
    }

    private static void WriteImage(JsonElement block, string path, Utf8JsonWriter writer, UntranslatableContent untranslatable)
    {
        var sourcePath = Path(path, "source");
        var source = Object(Required(block, "source", sourcePath), sourcePath);
        var sourceType = RequiredString(source, "type", Path(sourcePath, "type"));
        if (sourceType is not ("base64" or "url"))
        {
            untranslatable.Source(Path(sourcePath, "type"), "image", sourceType, "'base64' or 'url'");
            UntranslatableContent.WriteStandIn(writer, "image");
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "image_url");
        writer.WriteStartObject("image_url");
        writer.WritePropertyName("url");
        if (sourceType == "base64")
        {
            var mediaType = RequiredString(source, "media_type", Path(sourcePath, "media_type"));
            if (!ImageTypes.Contains(mediaType))
            {
                throw Invalid(Path(sourcePath, "media_type"), $"Input should be {string.Join(", ", ImageTypes.Select(t => $"'{t}'"))}");
            }

            WriteDataUrl(mediaType, Required(source, "data", Path(sourcePath, "data")), Path(sourcePath, "data"), writer);
        }
        else
        {
            writer.WriteStringValue(RequiredString(source, "url", Path(sourcePath, "url")));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A base64 PDF becomes a file part (OpenAI reads PDFs from file_data); a text document becomes text, titled.</summary>
    private static void WriteDocument(JsonElement block, string path, Utf8JsonWriter writer, UntranslatableContent untranslatable)
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
                untranslatable.Source(Path(sourcePath, "type"), "document", other, "'base64' or 'text'");
                UntranslatableContent.WriteStandIn(writer, "document");
                break;
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
