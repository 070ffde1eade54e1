using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// The cache keys of a request body, from one pass over it (<see cref="CanonicalRequest"/>). Every hash input starts
/// with "sgw-cache-v1", a domain byte (partition, key, context, raw) and the scope fields (each length-prefixed), so
/// no two kinds of hash, scopes or versions of this format can meet.
/// </summary>
public static class RequestFingerprint
{
    private static ReadOnlySpan<byte> Version => "sgw-cache-v1"u8;

    /// <param name="body">The request body.</param>
    /// <param name="scope">Tenant, resolved model, namespace and kind.</param>
    /// <param name="withContext">False skips the semantic layer's part (the context key and text): a second hash saved.</param>
    public static Fingerprint Compute(ReadOnlySpan<byte> body, in FingerprintScope scope, bool withContext = true)
    {
        using var canonical = new CanonicalJson(body.Length + (body.Length / 4) + 256);
        WriteHeader(canonical, Domain.Partition, scope);
        var partition = Hex(canonical.Written, 16);

        canonical.Reset();
        WriteHeader(canonical, Domain.Key, scope);
        try
        {
            var facts = CanonicalRequest.Write(body, canonical, scope.Kind == FingerprintScope.ChatKind);
            var message = facts.LastMessage;
            var semanticText = withContext && message.HasContent ? LastUserMessage.Text(body[message.BodyStart..message.BodyEnd]) : null;
            var contextKey = semanticText is null ? null : ContextKey(canonical.Written, message);
            return new Fingerprint(Hex(canonical.Written, 32), partition, facts.Temperature, facts.HasSeed, contextKey, semanticText);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not one valid JSON value (the parser should have refused it): the exact bytes still make a correct
            // key, only one that does not match the same request written differently.
            canonical.Reset();
            WriteHeader(canonical, Domain.Raw, scope);
            canonical.WriteBytes(body);
            return new Fingerprint(Hex(canonical.Written, 32), partition, null, false, null, null);
        }
    }

    /// <summary>The key's input with the context domain and the last message's content swapped for a marker.</summary>
    private static string ContextKey(ReadOnlySpan<byte> keyInput, MessagePosition message)
    {
        var length = keyInput.Length - (message.ContentEnd - message.ContentStart) + 1;
        var input = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            keyInput[..message.ContentStart].CopyTo(input);
            input[Version.Length] = (byte)Domain.Context;
            input[message.ContentStart] = (byte)'M'; // no value's encoding starts with 'M'
            keyInput[message.ContentEnd..].CopyTo(input.AsSpan(message.ContentStart + 1));
            return Hex(input.AsSpan(0, length), 32);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static void WriteHeader(CanonicalJson canonical, Domain domain, in FingerprintScope scope)
    {
        canonical.WriteBytes(Version);
        canonical.WriteByte((byte)domain);
        WriteField(canonical, scope.Tenant);
        WriteField(canonical, scope.ResolvedModel);
        WriteField(canonical, scope.Namespace);
        WriteField(canonical, scope.Kind);
    }

    private static void WriteField(CanonicalJson canonical, string value)
    {
        canonical.WriteInt32(Encoding.UTF8.GetByteCount(value));
        canonical.WriteUtf8(value);
    }

    /// <summary>The first <paramref name="bytes"/> bytes of the SHA-256 of <paramref name="input"/>, as lowercase hex.</summary>
    private static string Hex(ReadOnlySpan<byte> input, int bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return Convert.ToHexStringLower(hash[..bytes]);
    }

    private enum Domain : byte
    {
        Partition = (byte)'P',
        Key = (byte)'K',
        Context = (byte)'C',
        Raw = (byte)'R',
    }
}
