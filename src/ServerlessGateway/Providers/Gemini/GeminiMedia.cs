namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Images, audio and files as Gemini parts: a base64 data URL becomes inlineData (bytes in the request); an
/// http(s) or gs:// URL becomes fileData, which Gemini fetches itself. fileData needs a MIME type and a URL
/// states none, so it is guessed from the path's extension — and an unknown one is taken as image/jpeg (an
/// image_url is an image; a wrong guess among image types is harmless, a non-image behind an
/// extension-less URL is refused by Gemini with its own 400).
/// </summary>
internal static class GeminiMedia
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".heic"] = "image/heic",
        [".heif"] = "image/heif",
        [".pdf"] = "application/pdf",
        [".txt"] = "text/plain",
        [".mp3"] = "audio/mp3",
        [".wav"] = "audio/wav",
        [".flac"] = "audio/flac",
        [".ogg"] = "audio/ogg",
        [".aac"] = "audio/aac",
        [".mp4"] = "video/mp4",
        [".mov"] = "video/mov",
        [".webm"] = "video/webm",
    };

    /// <summary>The media a URL names, or null when it is neither a base64 data URL nor a URL Gemini can fetch.</summary>
    public static MediaPart? FromUrl(string url)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return FromDataUrl(url);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "gs"))
        {
            return null;
        }

        return new MediaPart(GuessType(uri.AbsolutePath), url.AsMemory(), Inline: false);
    }

    /// <summary>"data:image/png;base64,AAAA" as inline bytes (the base64 is kept as the text it is, not decoded).</summary>
    public static MediaPart? FromDataUrl(string url)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return null;
        }

        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var mime = header[..^7];
        var parameters = mime.IndexOf(';');
        mime = parameters >= 0 ? mime[..parameters] : mime;
        return mime.IsEmpty ? null : new MediaPart(mime.ToString().ToLowerInvariant(), url.AsMemory(comma + 1), Inline: true);
    }

    /// <summary>OpenAI's input_audio formats ("wav", "mp3") as MIME types.</summary>
    public static string AudioType(string format) => "audio/" + format.ToLowerInvariant();

    private static string GuessType(string path) => ByExtension.GetValueOrDefault(Path.GetExtension(path), "image/jpeg");
}

/// <summary>Media for one part: inline base64 bytes, or a URL Gemini fetches.</summary>
internal readonly record struct MediaPart(string MimeType, ReadOnlyMemory<char> DataOrUri, bool Inline);
