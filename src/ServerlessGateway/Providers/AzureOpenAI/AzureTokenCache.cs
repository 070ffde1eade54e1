using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Identity;
using ServerlessGateway.Providers.Http;

namespace ServerlessGateway.Providers.AzureOpenAI;

/// <summary>
/// Entra ID tokens for Azure OpenAI, cached and refreshed ahead of expiry so that requests almost
/// never wait for the identity endpoint, and concurrent requests never fetch a token twice.
/// </summary>
public sealed class AzureTokenCache(Func<TokenCredential> credentialFactory, TimeProvider time) : IDisposable
{
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>Refresh this long before expiry (Azure.Core's own policy uses 5 minutes).</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim refreshing = new(1, 1);
    private readonly Lazy<TokenCredential> credential = new(credentialFactory);
    // A reference (not the AccessToken struct) so that readers on other threads never see a torn value.
    private StrongBox<AccessToken>? current;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref current);
        if (IsFresh(cached))
        {
            return cached!.Value.Token;
        }

        await refreshing.WaitAsync(cancellationToken);
        try
        {
            cached = current;
            if (!IsFresh(cached))
            {
                var token = await credential.Value.GetTokenAsync(new TokenRequestContext([CognitiveServicesScope]), cancellationToken);
                cached = new StrongBox<AccessToken>(token);
                Volatile.Write(ref current, cached);
            }

            return cached!.Value.Token;
        }
        catch (AuthenticationFailedException ex)
        {
            throw new HttpProviderAdapter.CredentialUnavailableException(ex.Message, ex);
        }
        finally
        {
            refreshing.Release();
        }
    }

    private bool IsFresh(StrongBox<AccessToken>? token)
    {
        if (token is null)
        {
            return false;
        }

        var value = token.Value;
        var now = time.GetUtcNow();
        var refreshAt = value.RefreshOn ?? value.ExpiresOn - RefreshMargin;
        return now < refreshAt && now < value.ExpiresOn;
    }

    public void Dispose() => refreshing.Dispose();
}
