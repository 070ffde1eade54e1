namespace ServerlessGateway.Tokenization;

/// <summary>The encodings this gateway ships, by tiktoken's names.</summary>
public static class EncodingNames
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";
}
