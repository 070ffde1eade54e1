using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// Reads a JSON string value as UTF-8 for counting without allocating a string: the raw bytes when the value has
/// no escapes (the common case), else an unescaped copy in a pooled buffer. Unlike Utf8JsonReader.CopyString it
/// accepts escaped lone surrogates ("\ud83d") and turns them into U+FFFD, as tiktoken does with such text.
/// </summary>
internal ref struct JsonText
{
    private byte[]? rented;

    /// <summary>The unescaped UTF-8 of the string token the reader is on.</summary>
    public ReadOnlySpan<byte> Read(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        var escaped = reader.ValueSpan;
        if (rented is null || rented.Length < escaped.Length)
        {
            Dispose();
            rented = ArrayPool<byte>.Shared.Rent(escaped.Length); // unescaping never makes a string longer
        }

        return rented.AsSpan(0, Unescape(escaped, rented));
    }

    public void Dispose()
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = null;
        }
    }

    /// <summary>Decodes JSON escapes (the reader has already checked their syntax).</summary>
    internal static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> output)
    {
        var written = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            var b = escaped[i];
            if (b != '\\')
            {
                output[written++] = b;
                continue;
            }

            var code = escaped[++i];
            switch (code)
            {
                case (byte)'n': output[written++] = (byte)'\n'; break;
                case (byte)'t': output[written++] = (byte)'\t'; break;
                case (byte)'r': output[written++] = (byte)'\r'; break;
                case (byte)'b': output[written++] = (byte)'\b'; break;
                case (byte)'f': output[written++] = (byte)'\f'; break;
                case (byte)'u':
                    var unit = Hex(escaped.Slice(i + 1, 4));
                    i += 4;
                    var rune = Rune.ReplacementChar;
                    if (!char.IsSurrogate((char)unit))
                    {
                        rune = new Rune(unit);
                    }
                    else if (char.IsHighSurrogate((char)unit) && i + 6 < escaped.Length && escaped[i + 1] == '\\' && escaped[i + 2] == 'u'
                        && Hex(escaped.Slice(i + 3, 4)) is var low && char.IsLowSurrogate((char)low))
                    {
                        rune = new Rune((char)unit, (char)low);
                        i += 6;
                    }

                    written += rune.EncodeToUtf8(output[written..]);
                    break;
                default: output[written++] = code; break; // \" \\ \/
            }
        }

        return written;
    }

    private static int Hex(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out ushort value, out _, 'X') ? value : Rune.ReplacementChar.Value;
}
