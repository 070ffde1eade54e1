using System.Net;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Auth;

/// <summary>Where keys are read from: Authorization: Bearer (OpenAI SDKs), api-key (Azure SDKs), x-api-key (Anthropic SDKs).</summary>
public sealed class KeyAuthenticatorTests : IAsyncLifetime
{
    private const string Chat = """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}]}""";
    private GatewayHost? gateway;

    private GatewayHost Gateway => gateway!;

    public async ValueTask InitializeAsync() => gateway = await GatewayHost.StartAsync(GatewayHost.Config());

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();

    [Theory]
    [InlineData("Authorization", "Bearer " + GatewayHost.Key)]
    [InlineData("api-key", GatewayHost.Key)]
    [InlineData("x-api-key", GatewayHost.Key)]
    [InlineData("x-api-key", "  " + GatewayHost.Key + " ")]
    public async Task Each_SDKs_header_carries_the_key(string header, string value)
    {
        using var response = await SendAsync((header, value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_x_api_key_is_an_incorrect_key_not_a_missing_one()
    {
        using var response = await SendAsync(("x-api-key", "sk-wrong"));

        await Json.AssertErrorAsync(response, 401, "invalid_api_key");
    }

    [Fact]
    public async Task No_key_at_all_is_a_missing_key()
    {
        using var response = await SendAsync();

        await Json.AssertErrorAsync(response, 401, "missing_api_key");
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + GatewayHost.Key, "x-api-key", "sk-wrong", HttpStatusCode.OK)]
    [InlineData("Authorization", "Bearer sk-wrong", "x-api-key", GatewayHost.Key, HttpStatusCode.Unauthorized)]
    [InlineData("api-key", "sk-wrong", "x-api-key", GatewayHost.Key, HttpStatusCode.Unauthorized)]
    [InlineData("api-key", GatewayHost.Key, "x-api-key", "sk-wrong", HttpStatusCode.OK)]
    public async Task The_first_header_present_decides_and_a_second_cannot_rescue_a_wrong_key(string first, string firstValue, string second, string secondValue, HttpStatusCode expected)
    {
        using var response = await SendAsync((first, firstValue), (second, secondValue));

        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(params (string Name, string Value)[] headers)
    {
        using var client = Gateway.CreateClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(Chat) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }
}
