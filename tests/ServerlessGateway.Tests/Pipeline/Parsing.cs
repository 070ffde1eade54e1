using System.Text;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Tests.Pipeline;

/// <summary>Runs the request parsers on test documents and checks their verdicts.</summary>
internal static class Parsing
{
    /// <summary>The reader depth limit, read from the parser's own constant so the tests follow it.</summary>
    public static int MaxDepth { get; } = (int)typeof(ChatRequestParser).Assembly
        .GetType("ServerlessGateway.Pipeline.JsonFields", throwOnError: true)!
        .GetField("MaxDepth")!
        .GetRawConstantValue()!;

    public static ParseResult<ChatRequest> Chat(string json) => ChatRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(json)));

    public static ParseResult<ChatRequest> Chat(byte[] json) => ChatRequestParser.Parse(PooledBody.FromBytes(json));

    public static ParseResult<EmbeddingsRequest> Embeddings(string json) => EmbeddingsRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(json)));

    public static ParseResult<EmbeddingsRequest> Embeddings(byte[] json) => EmbeddingsRequestParser.Parse(PooledBody.FromBytes(json));

    public static T Valid<T>(ParseResult<T> result)
        where T : class
    {
        Assert.True(result.Error is null, $"expected a valid request, got: {result.Error}");
        return result.Value!;
    }

    /// <summary>Asserts a 400 invalid_request_error with the given code and param, and returns it.</summary>
    public static GatewayError Refused<T>(ParseResult<T> result, string code, string? param = null)
        where T : class
    {
        Assert.Null(result.Value);
        var error = Assert.IsType<GatewayError>(result.Error);
        Assert.Equal(400, error.Status);
        Assert.Equal(GatewayError.InvalidRequestType, error.Type);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    /// <summary>The raw text of a token span of the document.</summary>
    public static string Text(string json, TokenSpan span) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(json), span.Start, span.Length);

    /// <summary>A JSON value nested <paramref name="depth"/> arrays deep.</summary>
    public static string Nested(int depth) => new string('[', depth) + new string(']', depth);
}
