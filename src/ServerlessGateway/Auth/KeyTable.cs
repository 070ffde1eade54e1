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
        if (presentedKey.IsEmpty || presentedKey.Length > 512)
        {
            return null;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presentedKey.Length)];
        var length = Encoding.UTF8.GetBytes(presentedKey, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        Convert.TryToHexStringLower(hash, hex, out _);
        return byHash.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hex, out var identity) ? identity : null;
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
