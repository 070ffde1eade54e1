namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Our own Gemini wire-format samples, written here in the shape of the real API's answers.</summary>
internal static class GeminiSamples
{
    public const string Signature = "CiIBVKhc++//EjT+/+A=";

    /// <summary>The signature as it travels in a tool call id (base64url, no padding).</summary>
    public const string SignatureInId = "CiIBVKhc--__EjT-_-A";

    public static string Usage(int prompt = 7, int candidates = 10, int thoughts = 0, int cached = 0) =>
        $$"""{"promptTokenCount":{{prompt}},"candidatesTokenCount":{{candidates}},"totalTokenCount":{{prompt + candidates + thoughts}}{{(thoughts > 0 ? $",\"thoughtsTokenCount\":{thoughts}" : "")}}{{(cached > 0 ? $",\"cachedContentTokenCount\":{cached}" : "")}},"promptTokensDetails":[{"modality":"TEXT","tokenCount":{{prompt}}}]}""";

    public static string Answer(string parts, string finish = "STOP", string? usage = null, string extra = "") =>
        $$"""{"candidates":[{"content":{"parts":[{{parts}}],"role":"model"},"finishReason":"{{finish}}","index":0{{extra}}}],"usageMetadata":{{usage ?? Usage()}},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""";

    public static string Text(string text, bool thought = false) =>
        $$"""{"text":"{{text}}"{{(thought ? ",\"thought\":true" : "")}}}""";

    public static string Call(string name, string args, string? signature = null) =>
        $$"""{"functionCall":{"name":"{{name}}","args":{{args}}}{{(signature is null ? "" : $",\"thoughtSignature\":\"{signature}\"")}}}""";

    /// <summary>One stream event: a GenerateContentResponse with one candidate (no finishReason unless given).</summary>
    public static string Event(string parts, string? finish = null, string? usage = null) =>
        """{"candidates":[{"content":{"parts":[«parts»],"role":"model"}«finish»,"index":0}],"usageMetadata":«usage»,"modelVersion":"gemini-2.5-flash","responseId":"resp-2"}"""
            .Replace("«parts»", parts, StringComparison.Ordinal)
            .Replace("«finish»", finish is null ? "" : $",\"finishReason\":\"{finish}\"", StringComparison.Ordinal)
            .Replace("«usage»", usage ?? """{"promptTokenCount":7,"totalTokenCount":7}""", StringComparison.Ordinal);

    /// <summary>Events framed the way streamGenerateContent?alt=sse sends them: "data: …" and \r\n\r\n.</summary>
    public static string Sse(params string[] events) => string.Concat(events.Select(e => "data: " + e + "\r\n\r\n"));

    public static string Error(int code, string status, string message, string details = "") =>
        $$"""{"error":{"code":{{code}},"message":"{{message}}","status":"{{status}}"{{(details.Length > 0 ? $",\"details\":[{details}]" : "")}}""" + "}}";
}
