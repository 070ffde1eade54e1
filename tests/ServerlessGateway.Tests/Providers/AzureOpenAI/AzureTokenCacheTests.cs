using ServerlessGateway.Providers.AzureOpenAI;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.AzureOpenAI;

public sealed class AzureTokenCacheTests
{
    [Fact]
    public async Task A_token_is_reused_until_five_minutes_before_expiry_then_refreshed()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var credential = new FakeTokenCredential("first", TimeSpan.FromMinutes(60), time);
        using var cache = new AzureTokenCache(() => credential, time);

        Assert.Equal("first", await cache.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal("first", await cache.GetTokenAsync(CancellationToken.None));
        Assert.Equal(1, credential.Calls);

        credential.Token = "second";
        time.Advance(TimeSpan.FromMinutes(2)); // 4 minutes before expiry: inside the refresh margin
        Assert.Equal("second", await cache.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task Concurrent_requests_fetch_one_token()
    {
        var credential = new FakeTokenCredential("shared", TimeSpan.FromHours(1));
        using var cache = new AzureTokenCache(() => credential, TimeProvider.System);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cache.GetTokenAsync(CancellationToken.None).AsTask()));

        Assert.All(tokens, t => Assert.Equal("shared", t));
        Assert.Equal(1, credential.Calls);
    }
}
