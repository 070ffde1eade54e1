using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessGateway.Auth;

/// <summary>
/// Keys by the SHA-256 of their secret. Looking up a hash (not the secret) means the table never
/// compares secrets byte by byte, so lookup time says nothing about how close a guess was.
/// </summary>
public sealed class KeyTable(FrozenDictionary<string, CallerIdentity> byHash)
{
    public int Count => byHash.Count;

    public CallerIdentity? Find(ReadOnlySpan<char> presentedKey)
    {
        Span<char> hex = stackalloc char[HashLength];
        return TryHash(presentedKey, hex) ? FindByHash(hex) : null;
    }

    /// <summary>Length of a hash in lowercase hex.</summary>
    public const int HashLength = SHA256.HashSizeInBytes * 2;

    /// <summary>Writes the presented key's SHA-256 as lowercase hex; false for an empty or absurdly long key.</summary>
    public static bool TryHash(ReadOnlySpan<char> presentedKey, Span<char> hex)
    {
        if (presentedKey.IsEmpty || presentedKey.Length > 512)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presentedKey.Length)];
        var length = Encoding.UTF8.GetBytes(presentedKey, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return Convert.TryToHexStringLower(hash, hex, out _);
    }

    public CallerIdentity? FindByHash(ReadOnlySpan<char> hexHash) =>
        byHash.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hexHash, out var identity) ? identity : null;

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
