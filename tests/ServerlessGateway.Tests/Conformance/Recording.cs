namespace ServerlessGateway.Tests.Conformance;

/// <summary>What a recorded upstream answer is, which decides how the gateway is called with it.</summary>
internal enum RecordingKind
{
    /// <summary>A non-streamed chat completion body.</summary>
    Chat,

    /// <summary>A /v1/embeddings body.</summary>
    Embeddings,

    /// <summary>An SSE stream of chat completion chunks, as the upstream sent it (always ending with [DONE]).</summary>
    Stream,

    /// <summary>A non-success answer (status >= 400).</summary>
    Error,
}

/// <summary>
/// One upstream answer from ../shared/fixtures/providers, in the form a fake upstream sends it.
/// <see cref="Id"/> is the path under fixtures/providers (plus "#n" for the n-th answer of a cassette),
/// so a failing theory row names the file to look at.
/// </summary>
internal sealed record Recording(string Id, string Provider, RecordingKind Kind, int Status, byte[] Body, bool RequestStreamed)
{
    public const string OpenAI = "openai";
    public const string AzureOpenAI = "azure-openai";
    public const string Ollama = "ollama";

    public bool IsAzure => Provider == AzureOpenAI;

    public string ContentType => Kind == RecordingKind.Stream ? "text/event-stream" : "application/json";

    public override string ToString() => Id;
}
