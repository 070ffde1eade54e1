using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

public sealed class ModelEncodingsTests
{
    [Theory]
    [InlineData("gpt-4o", EncodingNames.O200kBase)]
    [InlineData("gpt-4o-mini-2024-07-18", EncodingNames.O200kBase)]
    [InlineData("GPT-4o", EncodingNames.O200kBase)]
    [InlineData("chatgpt-4o-latest", EncodingNames.O200kBase)]
    [InlineData("gpt-4.1-nano", EncodingNames.O200kBase)]
    [InlineData("gpt-4.5-preview", EncodingNames.O200kBase)]
    [InlineData("gpt-5", EncodingNames.O200kBase)]
    [InlineData("gpt-5.1-codex", EncodingNames.O200kBase)]
    [InlineData("o1", EncodingNames.O200kBase)]
    [InlineData("o3-mini", EncodingNames.O200kBase)]
    [InlineData("o4-mini-2025-04-16", EncodingNames.O200kBase)]
    [InlineData("gpt-oss-120b", EncodingNames.O200kBase)]
    [InlineData("ft:gpt-4o-mini:acme::abc123", EncodingNames.O200kBase)]
    [InlineData("openai/gpt-4o", EncodingNames.O200kBase)]
    [InlineData("gpt-4o-mini-prod", EncodingNames.O200kBase)] // an Azure deployment named after its model
    [InlineData("gpt-4", EncodingNames.Cl100kBase)]
    [InlineData("gpt-4-turbo-2024-04-09", EncodingNames.Cl100kBase)]
    [InlineData("gpt-4-32k", EncodingNames.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", EncodingNames.Cl100kBase)]
    [InlineData("gpt-35-turbo-16k", EncodingNames.Cl100kBase)]
    [InlineData("text-embedding-3-small", EncodingNames.Cl100kBase)]
    [InlineData("text-embedding-ada-002", EncodingNames.Cl100kBase)]
    [InlineData("ft:gpt-3.5-turbo-0613:acme::xyz", EncodingNames.Cl100kBase)]
    public void OpenAI_models_map_to_their_encoding(string model, string encoding)
    {
        var (resolved, known) = ModelEncodings.Resolve(model);

        Assert.Equal(encoding, resolved.Name);
        Assert.True(known);
    }

    [Theory]
    [InlineData("claude-sonnet-4-5")]
    [InlineData("gemini-2.5-pro")]
    [InlineData("llama3.2")]
    [InlineData("mock-echo")]
    [InlineData("o10-preview")]
    [InlineData("gpt-4x")]
    public void Other_models_are_counted_with_o200k_as_an_estimate(string model)
    {
        var (resolved, known) = ModelEncodings.Resolve(model);

        Assert.Equal(EncodingNames.O200kBase, resolved.Name);
        Assert.False(known);
    }
}
