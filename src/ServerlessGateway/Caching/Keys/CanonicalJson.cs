using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// Writes JSON values in a canonical binary form into a pooled buffer, so that two values that mean the same
/// thing give the same bytes and two that do not never do. The form is prefix-free (every value says where it
/// ends), which is what makes it collision-free:
/// <list type="bullet">
/// <item>object: 'O', property count (int32), then per property its name (int32 length + unescaped UTF-8) and value,
/// sorted by name (ordinal on the UTF-8 bytes); a repeated name keeps its last value, as most JSON readers do;</item>
/// <item>array: 'A', element count (int32), elements in order;</item>
/// <item>string: 'S', int32 length, unescaped UTF-8; number: <see cref="CanonicalNumber"/>; 'T', 'F', 'Z' (null).</item>
/// </list>
/// Containers carry counts, not byte lengths, so one value can later be swapped for a marker (the context key)
/// without touching its parents.
/// </summary>
internal sealed partial class CanonicalJson : IDisposable
{
    private byte[] buffer;

    public CanonicalJson(int expectedBytes) => buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expectedBytes, 256));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, Length);

    public void Reset()
    {
        Length = 0;
        propertyCount = 0;
    }

    public void WriteValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, default);
                break;
            case JsonTokenType.StartArray:
                var countAt = BeginArray();
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WriteValue(ref reader);
                    count++;
                }

                EndArray(countAt, count);
                break;
            case JsonTokenType.String:
                WriteString(ref reader);
                break;
            case JsonTokenType.Number:
                CanonicalNumber.Write(this, reader.ValueSpan);
                break;
            case JsonTokenType.True:
                WriteByte((byte)'T');
                break;
            case JsonTokenType.False:
                WriteByte((byte)'F');
                break;
            case JsonTokenType.Null:
                WriteByte((byte)'Z');
                break;
            default:
                throw new JsonException($"Unexpected token {reader.TokenType}.");
        }
    }

    public int BeginArray()
    {
        WriteByte((byte)'A');
        return Reserve(4);
    }

    public void EndArray(int countAt, int count) => BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(countAt), count);

    private void WriteString(ref Utf8JsonReader reader)
    {
        WriteByte((byte)'S');
        WriteUnescaped(ref reader);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        buffer[Length++] = value;
    }

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(Reserve(4)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(Reserve(8)), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(buffer.AsSpan(Reserve(bytes.Length)));

    public void WriteUtf8(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        Length += Encoding.UTF8.GetBytes(text, buffer.AsSpan(Length));
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        ArrayPool<Property>.Shared.Return(properties);
        ReturnScratch();
    }

    /// <summary>Writes the reader's string or property name as int32 length + unescaped UTF-8; returns the length.</summary>
    private int WriteUnescaped(ref Utf8JsonReader reader)
    {
        var lengthAt = Reserve(4);

        // Unescaping never makes text longer, so the raw length is room enough either way.
        Ensure(reader.ValueSpan.Length);
        var length = reader.ValueIsEscaped ? reader.CopyString(buffer.AsSpan(Length)) : reader.ValueSpan.Length;
        if (!reader.ValueIsEscaped)
        {
            reader.ValueSpan.CopyTo(buffer.AsSpan(Length));
        }

        Length += length;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(lengthAt), length);
        return length;
    }

    private int Reserve(int bytes)
    {
        Ensure(bytes);
        var at = Length;
        Length += bytes;
        return at;
    }

    private void Ensure(int more)
    {
        if (Length + more <= buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, Length + more));
        buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    private void ReturnScratch()
    {
        if (scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
