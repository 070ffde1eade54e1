using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessGateway.Auth.Keys;

/// <summary>
/// The format, hash and comparison of virtual key secrets. A secret is "sk-gw-" + 32 random bytes
/// (base64url). It is stored only as its SHA-256: a slow password hash (bcrypt, Argon2) protects
/// guessable human passwords, but 256 random bits cannot be brute-forced, and a fast hash keeps the
/// per-request lookup cheap.
/// </summary>
public static class KeySecrets
{
    public const string Prefix = "sk-gw-";
    public const int SecretBytes = 32;

    /// <summary>How many characters of the secret are kept for display (the prefix plus four).</summary>
    private const int DisplayLength = 10;

    public static string NewSecret(ISecretGenerator generator)
    {
        Span<byte> random = stackalloc byte[SecretBytes];
        generator.Fill(random);
        return Prefix + Base64Url.EncodeToString(random);
    }

    /// <summary>An id like "key_3f9a…" from 12 random bytes: unguessable enough to enumerate nothing, short enough to read.</summary>
    public static string NewId(ISecretGenerator generator, string kind)
    {
        Span<byte> random = stackalloc byte[12];
        generator.Fill(random);
        return kind + "_" + Convert.ToHexStringLower(random);
    }

    /// <summary>The same hash configured keys use, so stored and configured keys are found the same way.</summary>
    public static string Hash(string secret) => KeyTable.HashSecret(secret);

    /// <summary>A non-secret reminder of which key this is: "sk-gw-abcd…".</summary>
    public static string DisplayPrefix(string secret) => secret[..Math.Min(DisplayLength, secret.Length)] + "…";

    /// <summary>
    /// Compares two hex hashes in time that depends only on their lengths, so a caller learns nothing
    /// from how long a comparison took about how many leading characters matched.
    /// </summary>
    public static bool HashesMatch(string stored, ReadOnlySpan<char> presented) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshalBytes(stored.AsSpan()), MemoryMarshalBytes(presented));

    private static ReadOnlySpan<byte> MemoryMarshalBytes(ReadOnlySpan<char> text) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(text);
}
