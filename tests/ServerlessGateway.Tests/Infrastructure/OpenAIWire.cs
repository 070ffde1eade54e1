namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>Our own OpenAI wire-format samples (written here, shaped like the real API's answers).</summary>
public static class OpenAIWire
{
    public static string Completion(string content = "Hello from upstream", string model = "gpt-4o-mini-2024-07-18", string extra = "") =>
        "{\"id\":\"chatcmpl-test1\",\"object\":\"chat.completion\",\"created\":1731000000,\"model\":\"" + model + "\",\"system_fingerprint\":\"fp_test\"," + extra +
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}]," +
        "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15,\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";

    public static string Chunk(string content, string? finish = null, bool role = false) =>
        $$$"""{"id":"chatcmpl-test2","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_test","choices":[{"index":0,"delta":{{{{(role ? "\"role\":\"assistant\"," : "")}}}"content":"{{{content}}}"},"logprobs":null,"finish_reason":{{{(finish is null ? "null" : $"\"{finish}\"")}}}}]}""";

    public static string UsageChunk(int prompt = 11, int completion = 4) =>
        $$$"""{"id":"chatcmpl-test2","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_test","choices":[],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}""";

    public static string Error(string message, string type = "invalid_request_error", string? code = null) =>
        $$$"""{"error":{"message":"{{{message}}}","type":"{{{type}}}","param":null,"code":{{{(code is null ? "null" : $"\"{code}\"")}}}}}""";

    public static string Embeddings(int count = 1) =>
        "{\"object\":\"list\",\"data\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"object\":\"embedding\",\"index\":{i},\"embedding\":[0.1,-0.2,0.3]}}")) +
        "],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}";
}
