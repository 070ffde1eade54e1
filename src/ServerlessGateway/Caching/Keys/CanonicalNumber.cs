namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// A JSON number by its exact value: sign, significant digits (no leading or trailing zeros) and a power of ten, so
/// 1, 1.0, 1e0 and 10e-1 are one number, 0, -0, 0.0 and 0e5 are zero, and two different values never meet. No
/// decimal or double parsing: both round (decimal keeps 28 digits and turns 1e-40 into 0), which would let
/// different numbers share a key.
/// </summary>
internal static class CanonicalNumber
{
    // A longer exponent cannot be held in a long with room to adjust it; such a number keeps its exact text.
    private const int MaxExponentDigits = 17;

    /// <summary>
    /// Writes 'N', sign ('+'/'-'), int32 digit count, the digits, int64 exponent (value = digits × 10^exponent);
    /// zero is 'N', '+', 0, 0. A number whose exponent is out of range is 'R' + int32 length + its text.
    /// </summary>
    public static void Write(CanonicalJson canonical, ReadOnlySpan<byte> text)
    {
        var i = 0;
        var negative = text[i] == '-';
        i += negative ? 1 : 0;
        var integer = Digits(text, ref i);
        var fraction = ReadOnlySpan<byte>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            fraction = Digits(text, ref i);
        }

        long exponent = 0;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            var negativeExponent = text[i] == '-';
            i += text[i] is (byte)'-' or (byte)'+' ? 1 : 0;
            var digits = Digits(text, ref i).TrimStart((byte)'0');
            if (digits.Length > MaxExponentDigits)
            {
                canonical.WriteByte((byte)'R');
                canonical.WriteInt32(text.Length);
                canonical.WriteBytes(text);
                return;
            }

            foreach (var digit in digits)
            {
                exponent = (exponent * 10) + (digit - '0');
            }

            exponent = negativeExponent ? -exponent : exponent;
        }

        // The significand is integer ++ fraction; find its first and last non-zero digit across both parts.
        var total = integer.Length + fraction.Length;
        var first = 0;
        while (first < total && DigitAt(integer, fraction, first) == '0')
        {
            first++;
        }

        canonical.WriteByte((byte)'N');
        if (first == total)
        {
            canonical.WriteByte((byte)'+');
            canonical.WriteInt32(0);
            canonical.WriteInt64(0);
            return;
        }

        var last = total - 1;
        while (DigitAt(integer, fraction, last) == '0')
        {
            last--;
        }

        canonical.WriteByte(negative ? (byte)'-' : (byte)'+');
        canonical.WriteInt32(last - first + 1);
        if (first < integer.Length)
        {
            canonical.WriteBytes(integer[first..Math.Min(last + 1, integer.Length)]);
        }

        if (last >= integer.Length)
        {
            canonical.WriteBytes(fraction[Math.Max(first - integer.Length, 0)..(last - integer.Length + 1)]);
        }

        // value = significant digits × 10^(exponent − fraction digits + trailing zeros dropped)
        canonical.WriteInt64(exponent - fraction.Length + (total - 1 - last));
    }

    private static ReadOnlySpan<byte> Digits(ReadOnlySpan<byte> text, scoped ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    private static byte DigitAt(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, int index) =>
        index < integer.Length ? integer[index] : fraction[index - integer.Length];
}
