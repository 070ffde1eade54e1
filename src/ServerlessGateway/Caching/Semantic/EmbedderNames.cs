namespace ServerlessGateway.Caching.Semantic;

/// <summary>The embedders the semantic cache knows, by their configured names.</summary>
public static class EmbedderNames
{
    /// <summary><see cref="LocalEmbedder"/>: in-process feature hashing, no network.</summary>
    public const string Local = "local";

    /// <summary>The gateway's own /v1/embeddings (a real embedding model behind a route).</summary>
    public const string Gateway = "gateway";
}
