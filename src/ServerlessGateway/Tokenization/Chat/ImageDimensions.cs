using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// The pixel size of an image sent inline as a <c>data:</c> URL, read from the first bytes of its PNG, GIF, WebP or
/// JPEG header (only a prefix of the base64 is decoded). Remote URLs are never fetched: their size is unknown.
/// </summary>
internal static class ImageDimensions
{
    /// <summary>JPEG's size marker can sit behind a large EXIF block; PNG, GIF and WebP need a few dozen bytes.</summary>
    private const int MaxDecodedPrefix = 96 * 1024;

    public static (int Width, int Height)? FromDataUrl(ReadOnlySpan<byte> url)
    {
        var comma = url.IndexOf((byte)',');
        if (!url.StartsWith("data:"u8) || comma < 0 || !url[..comma].EndsWith(";base64"u8))
        {
            return null;
        }

        var base64 = url[(comma + 1)..];
        var take = Math.Min(base64.Length, MaxDecodedPrefix / 3 * 4) & ~3;
        var decoded = ArrayPool<byte>.Shared.Rent(take / 4 * 3);
        try
        {
            var status = Base64.DecodeFromUtf8(base64[..take], decoded, out _, out var written, isFinalBlock: take == base64.Length);
            return status is OperationStatus.Done or OperationStatus.NeedMoreData ? FromHeader(decoded.AsSpan(0, written)) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    public static (int Width, int Height)? FromHeader(ReadOnlySpan<byte> image)
    {
        if (image.Length >= 24 && image[0] == 0x89 && image[1..].StartsWith("PNG"u8))
        {
            return ((int)BinaryPrimitives.ReadUInt32BigEndian(image[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(image[20..]));
        }

        if (image.Length >= 10 && image.StartsWith("GIF8"u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(image[6..]), BinaryPrimitives.ReadUInt16LittleEndian(image[8..]));
        }

        if (image.Length >= 30 && image.StartsWith("RIFF"u8) && image[8..].StartsWith("WEBP"u8))
        {
            return WebP(image);
        }

        return image.Length >= 4 && image[0] == 0xFF && image[1] == 0xD8 ? Jpeg(image) : null;
    }

    private static (int, int)? WebP(ReadOnlySpan<byte> image)
    {
        var chunk = image.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + (image[24] | (image[25] << 8) | (image[26] << 16)), 1 + (image[27] | (image[28] << 8) | (image[29] << 16)));
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(image[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        // Lossy VP8: the frame header holds 14-bit width and height after the start code.
        return chunk.SequenceEqual("VP8 "u8)
            ? (BinaryPrimitives.ReadUInt16LittleEndian(image[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(image[28..]) & 0x3FFF)
            : null;
    }

    /// <summary>Walks the JPEG segments to the first start-of-frame marker (SOF0–SOF15 except DHT, JPG and DAC).</summary>
    private static (int, int)? Jpeg(ReadOnlySpan<byte> image)
    {
        var position = 2;
        while (position + 9 < image.Length)
        {
            if (image[position] != 0xFF)
            {
                return null;
            }

            var marker = image[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(image[(position + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(image[(position + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(image[(position + 5)..]));
            }

            position += 2 + length;
        }

        return null;
    }
}
