using ServerlessGateway.Auth.Keys;

namespace ServerlessGateway.Tests.Auth;

public sealed class KeySecretsTests
{
    [Fact]
    public void A_secret_is_the_prefix_and_32_bytes_of_the_injected_randomness_in_base64url()
    {
        var secret = KeySecrets.NewSecret(new CountingGenerator());

        Assert.StartsWith("sk-gw-", secret, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), System.Buffers.Text.Base64Url.DecodeFromChars(secret.AsSpan(6)));
        Assert.Equal("sk-gw-AAEC…", KeySecrets.DisplayPrefix(secret));
    }

    [Fact]
    public void Two_secrets_from_the_real_generator_differ()
    {
        var generator = new CryptoSecretGenerator();

        Assert.NotEqual(KeySecrets.NewSecret(generator), KeySecrets.NewSecret(generator));
    }

    [Fact]
    public void The_hash_is_lowercase_hex_sha256()
    {
        // sha256("abc"), a published test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeySecrets.Hash("abc"));
    }

    [Theory]
    [InlineData("ba7816bf", "ba7816bf", true)]
    [InlineData("ba7816bf", "ba7816be", false)]
    [InlineData("ba7816bf", "ca7816bf", false)]
    [InlineData("ba7816bf", "ba7816", false)]
    [InlineData("ba7816bf", "ba7816bf00", false)]
    [InlineData("ba7816bf", "", false)]
    public void The_constant_time_comparison_matches_only_equal_hashes(string stored, string presented, bool expected)
    {
        Assert.Equal(expected, KeySecrets.HashesMatch(stored, presented));
    }

    private sealed class CountingGenerator : ISecretGenerator
    {
        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)i;
            }
        }
    }
}
