namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// Turns a text into a vector for the semantic cache. Implementations are registered side by side and picked by
/// <see cref="Name"/> (see <see cref="EmbedderNames"/>), so the cache can switch embedders by configuration.
/// </summary>
public interface IEmbedder
{
    /// <summary>The configured name, one of <see cref="EmbedderNames"/>; part of the semantic partition, so vectors
    /// of different embedders never meet.</summary>
    string Name { get; }

    /// <summary>L2-normalised vector; null when the embedder cannot answer now (the cache then misses — fails open).</summary>
    ValueTask<float[]?> EmbedAsync(string text, CancellationToken cancellationToken);
}
