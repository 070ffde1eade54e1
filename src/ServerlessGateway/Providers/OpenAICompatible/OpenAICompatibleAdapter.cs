using System.Net.Http.Headers;
using ServerlessGateway.Configuration;
using ServerlessGateway.Providers.Http;

namespace ServerlessGateway.Providers.OpenAICompatible;

/// <summary>OpenAI itself, and every server that speaks its API (Ollama, vLLM, LM Studio, Groq, Mistral, DeepSeek, OpenRouter, Together).</summary>
public sealed class OpenAICompatibleAdapter(IHttpClientFactory clients, TimeProvider time, string providerType) : HttpProviderAdapter(clients, time)
{
    public override string ProviderType { get; } = providerType;

    protected override ValueTask AuthorizeAsync(HttpRequestMessage request, ProviderRuntime provider, CancellationToken cancellationToken)
    {
        if (provider.AuthMode == ProviderAuthModes.Bearer && !string.IsNullOrEmpty(provider.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }

        return ValueTask.CompletedTask;
    }
}
