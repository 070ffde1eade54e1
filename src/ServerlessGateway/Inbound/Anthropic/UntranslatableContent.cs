using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// What in an Anthropic request only Anthropic can take: tools it runs itself, content blocks and sources
/// an OpenAI-format model has no counterpart for (search results, Files API ids, server tool results).
/// Noted rather than refused while translating, since an Anthropic deployment serves the caller's own
/// request: the refusal applies only when another deployment is tried (<see cref="CallerApiRequest.Untranslatable"/>).
/// In the translation, which is then never sent, a stand-in takes the block's place so the request still reads whole.
/// </summary>
internal sealed class UntranslatableContent
{
    /// <summary>The first thing noted, as the 400 a deployment that cannot take it answers.</summary>
    public GatewayError? Refusal { get; private set; }

    /// <summary>A content block of a type no OpenAI message can carry.</summary>
    public void Block(string path, string type) =>
        Note(path, $"The content block type '{type}' cannot be translated for a model served through an OpenAI-format deployment");

    /// <summary>An image or document source of a type no OpenAI content part can carry.</summary>
    public void Source(string path, string kind, string type, string instead) =>
        Note(path, $"The {kind} source type '{type}' cannot be translated for a model served through an OpenAI-format deployment (use {instead})");

    /// <summary>A tool Anthropic runs itself (web search, code execution, …).</summary>
    public void ServerTool(string path, string type) =>
        Note(path, $"'{type}' is a tool Anthropic runs itself; it cannot be offered to a model served through an OpenAI-format deployment");

    /// <summary>The stand-in for an untranslatable user block: a text part naming it.</summary>
    public static void WriteStandIn(Utf8JsonWriter writer, string type)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", $"[{type}]");
        writer.WriteEndObject();
    }

    private void Note(string path, string problem) =>
        Refusal ??= GatewayError.InvalidRequest($"{path}: {problem}", path, "unsupported_by_provider");
}
