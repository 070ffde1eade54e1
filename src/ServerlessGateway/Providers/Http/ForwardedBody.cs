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

    /// <summary>
    /// The chat or embeddings body for a deployment: its model name, usage asked for when streaming, and the gateway's
    /// own "cache" member cut (an upstream would refuse a field it does not know).
    /// </summary>
    public static ForwardedBody For(ParsedRequest request, Configuration.Deployment deployment)
    {
        var modelEdit = new BodyEdit(request.ModelToken.Start, request.ModelToken.Length, deployment.UpstreamModelJson);
        var usage = request is ChatRequest { Stream: true, UsageEdit.Kind: not StreamUsageEditKind.None } chat && deployment.Provider.StreamUsage
            ? StreamUsageEdits.ToBodyEdit(chat.UsageEdit)
            : (BodyEdit?)null;
        if (usage is null && request.CacheMember is null)
        {
            return new ForwardedBody(request.Body.Memory, [modelEdit]);
        }

        var edits = new List<BodyEdit>(3) { modelEdit };
        if (usage is { } usageEdit)
        {
            edits.Add(usageEdit);
        }

        if (request.CacheMember is { } member)
        {
            edits.Add(MemberRemoval(request.Body.Span, member));
        }

        // By offset; an insertion before a cut at the same offset (the cache member may directly follow the root's '{').
        edits.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.RemoveLength.CompareTo(b.RemoveLength));
        return new ForwardedBody(request.Body.Memory, [.. edits]);
    }

    /// <summary>Cuts an object member with one of its commas: the one after it, else the one before it (the last member).</summary>
    public static BodyEdit MemberRemoval(ReadOnlySpan<byte> body, TokenSpan member)
    {
        var after = member.End;
        while (after < body.Length && IsJsonSpace(body[after]))
        {
            after++;
        }

        if (after < body.Length && body[after] == (byte)',')
        {
            return new BodyEdit(member.Start, after + 1 - member.Start, []);
        }

        var before = member.Start - 1;
        while (before >= 0 && IsJsonSpace(body[before]))
        {
            before--;
        }

        return before >= 0 && body[before] == (byte)','
            ? new BodyEdit(before, member.End - before, [])
            : new BodyEdit(member.Start, member.Length, []);
    }

    private static bool IsJsonSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

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
