using System.Net;
using System.Net.Http.Headers;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Http;

/// <summary>
/// The caller's body sent upstream as it came, with a few byte-range edits (the upstream model name,
/// stream_options.include_usage) written in passing: no re-serialisation, no copy of the body.
/// </summary>
public sealed class ForwardedBody : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly ReadOnlyMemory<byte> body;
    private readonly BodyEdit[] edits;

    public ForwardedBody(ReadOnlyMemory<byte> body, BodyEdit[] edits)
    {
        this.body = body;
        this.edits = edits;
        Headers.ContentType = Json;
    }

    /// <summary>The chat or embeddings body for a deployment: its model name, and usage asked for when streaming.</summary>
    public static ForwardedBody For(ParsedRequest request, Configuration.Deployment deployment)
    {
        var modelEdit = new BodyEdit(request.ModelToken.Start, request.ModelToken.Length, deployment.UpstreamModelJson);
        if (request is ChatRequest { Stream: true, UsageEdit.Kind: not StreamUsageEditKind.None } chat && deployment.Provider.StreamUsage)
        {
            var usageEdit = StreamUsageEdits.ToBodyEdit(chat.UsageEdit);
            return new ForwardedBody(request.Body.Memory, usageEdit.Offset < modelEdit.Offset ? [usageEdit, modelEdit] : [modelEdit, usageEdit]);
        }

        return new ForwardedBody(request.Body.Memory, [modelEdit]);
    }

    /// <summary>The bytes as they will be sent (tests, and providers that must inspect the result).</summary>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        Write(stream);
        return stream.ToArray();
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var position = 0;
        foreach (var edit in edits)
        {
            await stream.WriteAsync(body[position..edit.Offset], cancellationToken);
            await stream.WriteAsync(edit.Replacement, cancellationToken);
            position = edit.Offset + edit.RemoveLength;
        }

        await stream.WriteAsync(body[position..], cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    private void Write(Stream stream)
    {
        var position = 0;
        foreach (var edit in edits)
        {
            stream.Write(body.Span[position..edit.Offset]);
            stream.Write(edit.Replacement);
            position = edit.Offset + edit.RemoveLength;
        }

        stream.Write(body.Span[position..]);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        foreach (var edit in edits)
        {
            length += edit.Replacement.Length - edit.RemoveLength;
        }

        return true;
    }
}

/// <summary>Replace <see cref="RemoveLength"/> bytes at <see cref="Offset"/> with <see cref="Replacement"/>.</summary>
public readonly record struct BodyEdit(int Offset, int RemoveLength, byte[] Replacement);

internal static class StreamUsageEdits
{
    private static readonly byte[] RootProperty = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();
    private static readonly byte[] OptionsObject = "{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] PropertyWithComma = "\"include_usage\":true,"u8.ToArray();
    private static readonly byte[] Property = "\"include_usage\":true"u8.ToArray();
    private static readonly byte[] True = "true"u8.ToArray();

    public static BodyEdit ToBodyEdit(StreamUsageEdit edit) => edit.Kind switch
    {
        StreamUsageEditKind.InsertIntoRoot => new BodyEdit(edit.Offset, 0, RootProperty),
        StreamUsageEditKind.ReplaceStreamOptionsValue => new BodyEdit(edit.Offset, edit.Length, OptionsObject),
        StreamUsageEditKind.InsertIntoStreamOptions => new BodyEdit(edit.Offset, 0, PropertyWithComma),
        StreamUsageEditKind.InsertIntoEmptyStreamOptions => new BodyEdit(edit.Offset, 0, Property),
        StreamUsageEditKind.ReplaceIncludeUsageValue => new BodyEdit(edit.Offset, edit.Length, True),
        _ => throw new ArgumentOutOfRangeException(nameof(edit)),
    };
}
