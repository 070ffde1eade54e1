using System.Security.Cryptography;

namespace ServerlessGateway.Auth.Keys;

/// <summary>The source of randomness for key secrets and ids; tests inject a predictable one.</summary>
public interface ISecretGenerator
{
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's cryptographic random number generator.</summary>
public sealed class CryptoSecretGenerator : ISecretGenerator
{
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
