using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>One part of a Gemini request's content, as it is written.</summary>
internal abstract record RequestPart
{
    public abstract void Write(Utf8JsonWriter writer);
}

internal sealed record TextPart(string Text) : RequestPart
{
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("text", Text);
        writer.WriteEndObject();
    }
}

/// <summary>inlineData (base64 bytes) or fileData (a URL Gemini fetches).</summary>
internal sealed record MediaRequestPart(MediaPart Media) : RequestPart
{
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(Media.Inline ? "inlineData" : "fileData");
        writer.WriteString("mimeType", Media.MimeType);
        writer.WriteString(Media.Inline ? "data" : "fileUri", Media.DataOrUri.Span);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>A function call the model made earlier, replayed with the thought signature it came with.</summary>
internal sealed record CallPart(string Name, JsonElement Args, string? Signature) : RequestPart
{
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("functionCall");
        writer.WriteString("name", Name);
        writer.WritePropertyName("args");
        Args.WriteTo(writer);
        writer.WriteEndObject();
        if (Signature is not null)
        {
            writer.WriteString("thoughtSignature", Signature);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// A tool's result. Gemini's response is an object: a result that is a JSON object is sent as it is, any
/// other text as {"output": text} (the key Gemini documents for a function's output).
/// </summary>
internal sealed record ResponsePart(string Name, string Result) : RequestPart
{
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("functionResponse");
        writer.WriteString("name", Name);
        writer.WritePropertyName("response");
        if (AsObject(Result) is { } structured)
        {
            structured.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("output", Result);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static JsonElement? AsObject(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
