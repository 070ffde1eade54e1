using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace ServerlessGateway.Pipeline;

/// <summary>Accepts the caller's x-request-id when it is a sane token, otherwise makes a time-ordered one.</summary>
public static class RequestIds
{
    private const int MaxLength = 128;
    private const string Prefix = "req_";

    public static string Assign(HttpContext context, TimeProvider time)
    {
        var offered = context.Request.Headers[GatewayHeaders.RequestId];
        var id = offered.Count == 1 && IsAcceptable(offered[0]) ? offered[0]! : New(time);
        context.Response.Headers[GatewayHeaders.RequestId] = id;
        return id;
    }

    /// <summary>
    /// "req_" and a UUIDv7 (RFC 9562) in 32 lowercase hex digits: the injected clock's unix milliseconds, then 74 random
    /// bits. Not Guid.CreateVersion7: it reads /dev/urandom on every call, a system call per request on Linux.
    /// </summary>
    public static string New(TimeProvider time)
    {
        Span<byte> uuid = stackalloc byte[16];
        IdRandomness.Fill(uuid[6..]);
        Span<byte> milliseconds = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(milliseconds, time.GetUtcNow().ToUnixTimeMilliseconds());
        milliseconds[2..].CopyTo(uuid);
        uuid[6] = (byte)(0x70 | (uuid[6] & 0x0F)); // version 7
        uuid[8] = (byte)(0x80 | (uuid[8] & 0x3F)); // the RFC's variant
        Span<char> text = stackalloc char[Prefix.Length + 32];
        Prefix.CopyTo(text);
        Convert.TryToHexStringLower(uuid, text[Prefix.Length..], out _);
        return new string(text);
    }

    public static bool IsAcceptable(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

/// <summary>
/// Cryptographic random bytes drawn from the OS a block at a time per thread, so an id costs a copy, not a system
/// call. Ids need to be unguessable and unique, not secret: a block is never handed out twice.
/// </summary>
internal static class IdRandomness
{
    private const int BlockSize = 4096;

    [ThreadStatic]
    private static byte[]? block;

    [ThreadStatic]
    private static int used;

    public static void Fill(Span<byte> destination)
    {
        if (block is null || used + destination.Length > block.Length)
        {
            block ??= new byte[BlockSize];
            RandomNumberGenerator.Fill(block);
            used = 0;
        }

        block.AsSpan(used, destination.Length).CopyTo(destination);
        used += destination.Length;
    }
}
