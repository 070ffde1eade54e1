using System.Net.Http.Headers;
using ServerlessGateway.Configuration;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.AzureOpenAI;

/// <summary>
/// Azure OpenAI: the same wire format as OpenAI at a different URL (both the classic
/// /openai/deployments/{name}/…?api-version= shape and /openai/v1/), with an api-key header or an
/// Entra ID bearer token (managed identity in Azure, developer credentials locally).
/// </summary>
public sealed class AzureOpenAIAdapter(IHttpClientFactory clients, TimeProvider time, AzureTokenCache tokens) : HttpProviderAdapter(clients, time)
{
    public override string ProviderType => ProviderTypes.AzureOpenAI;

    protected override IStreamChunkNormalizer StreamNormalizer => AzureChunkNormalizer.Instance;

    protected override async ValueTask AuthorizeAsync(HttpRequestMessage request, ProviderRuntime provider, CancellationToken cancellationToken)
    {
        if (provider.AuthMode == ProviderAuthModes.Entra)
        {
            var token = await tokens.GetTokenAsync(cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("api-key", provider.ApiKey);
        }
    }
}
