namespace ServerlessGateway.Configuration;

/// <summary>Where a deployment's requests go, worked out once when the configuration is loaded.</summary>
public sealed record DeploymentUris(Uri? Base, Uri? ChatCompletions, Uri? Embeddings, string? Problem)
{
    private static readonly DeploymentUris None = new(null, null, null, null);

    /// <summary>The documented public endpoint of each provider type, used when BaseUrl is not set.</summary>
    public static string? DefaultBaseUrl(string? type) => type switch
    {
        ProviderTypes.OpenAI => "https://api.openai.com/v1",
        ProviderTypes.Anthropic => "https://api.anthropic.com/v1",
        ProviderTypes.Gemini => "https://generativelanguage.googleapis.com/v1beta",
        _ => null,
    };

    public static DeploymentUris Build(string where, ProviderOptions provider, string model, EnvironmentReferences environment, List<string> errors)
    {
        if (provider.Type == ProviderTypes.Mock)
        {
            return None;
        }

        var isAzure = provider.Type == ProviderTypes.AzureOpenAI;
        var setting = isAzure ? "Endpoint" : "BaseUrl";
        var resolved = environment.Resolve(isAzure ? provider.Endpoint : provider.BaseUrl ?? DefaultBaseUrl(provider.Type), out var missing);
        if (resolved is null)
        {
            if (missing is not null)
            {
                return None with { Problem = $"needs environment variable {missing} (its {setting})" };
            }

            errors.Add($"{where}: provider '{provider.Type}' needs {setting}.");
            return None;
        }

        if (!Uri.TryCreate(resolved.TrimEnd('/'), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            errors.Add($"{where}: '{resolved}' is not an absolute http(s) URL.");
            return None;
        }

        var root = baseUri.ToString().TrimEnd('/');
        return provider.Type switch
        {
            ProviderTypes.OpenAI or ProviderTypes.OpenAICompatible => new(baseUri, new Uri(root + "/chat/completions"), new Uri(root + "/embeddings"), null),
            ProviderTypes.AzureOpenAI => Azure(baseUri, root, provider, model),
            _ => new(baseUri, null, null, null), // providers with their own API build their URLs from Base
        };
    }

    private static DeploymentUris Azure(Uri baseUri, string root, ProviderOptions provider, string model)
    {
        if ((provider.ApiShape ?? AzureApiShapes.Deployments) == AzureApiShapes.V1)
        {
            var query = provider.ApiVersion is { Length: > 0 } v1Version ? "?api-version=" + Uri.EscapeDataString(v1Version) : "";
            return new(baseUri, new Uri($"{root}/openai/v1/chat/completions{query}"), new Uri($"{root}/openai/v1/embeddings{query}"), null);
        }

        var version = Uri.EscapeDataString(provider.ApiVersion ?? "2024-10-21");
        var deploymentRoot = $"{root}/openai/deployments/{Uri.EscapeDataString(model)}";
        return new(baseUri, new Uri($"{deploymentRoot}/chat/completions?api-version={version}"), new Uri($"{deploymentRoot}/embeddings?api-version={version}"), null);
    }
}
