using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Resilience;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Providers.Mock;

/// <summary>
/// A deterministic, offline provider: answers chat (echo or a template, streamed in chunks, with
/// usage) and embeddings (stable pseudo-random unit vectors) with configurable latency. It makes
/// the default configuration work with no keys and no network, and lets apps test against the gateway.
/// Its answers say "mock" in the model name and system_fingerprint, and /v1/models lists it as a mock.
/// </summary>
public sealed class MockAdapter(TimeProvider time, ITokenCounter tokens) : IProviderAdapter
{
    public string ProviderType => ProviderTypes.Mock;

    public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        var options = call.Deployment.Provider.Mock;
        if (options.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.LatencyMs), time, cancellationToken);
        }

        var model = "mock/" + call.Deployment.UpstreamModel;
        return call.Request switch
        {
            ChatRequest chat => Chat(chat, call.RequestId, model, options),
            EmbeddingsRequest embeddings => Embeddings(embeddings, model, options),
            _ => new UpstreamFailure(GatewayError.InvalidRequest("The mock provider does not serve this operation."), FailureAction.ReturnToCaller, "unsupported"),
        };
    }

    private UpstreamResult Chat(ChatRequest request, string requestId, string model, MockOptions options)
    {
        var reply = MockReply.For(request, requestId, model, MockText.Answer(request, options), time.GetUtcNow().ToUnixTimeSeconds(), tokens);
        if (request.Stream)
        {
            return new MockStreamResponse(reply, options, request.CallerWantsStreamUsage, time);
        }

        return new BufferedUpstreamResponse(200, PooledBody.FromBytes(MockJson.Completion(reply)), reply.Usage);
    }

    private BufferedUpstreamResponse Embeddings(EmbeddingsRequest request, string model, MockOptions options)
    {
        var dimensions = request.Dimensions ?? options.EmbeddingDimensions;
        var inputs = InputItems(request.Body.Span.Slice(request.Input.Start, request.Input.Length));
        var vectors = inputs.Select(input => Vector(input, dimensions)).ToList();
        var promptTokens = inputs.Sum(input => MockText.Tokens(tokens, request.Model, input));
        var json = MockJson.Embeddings(model, vectors, request.Base64, promptTokens);
        return new BufferedUpstreamResponse(200, PooledBody.FromBytes(json), new TokenUsage(promptTokens, 0));
    }

    /// <summary>Each input item's raw JSON text: one for a string or a token array, one per element of a list.</summary>
    private static List<byte[]> InputItems(ReadOnlySpan<byte> input)
    {
        var reader = new Utf8JsonReader(input);
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return [input.ToArray()];
        }

        var items = new List<byte[]>();
        var start = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && items.Count == 0 && start < 0)
            {
                return [input.ToArray()]; // one input given as token ids
            }

            start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.TokenStartIndex + reader.TokenType switch
            {
                JsonTokenType.String => reader.ValueSpan.Length + 2,
                JsonTokenType.Number => reader.ValueSpan.Length,
                _ => 1, // the closing bracket of a token-id array
            };
            items.Add(input[start..end].ToArray());
        }

        return items;
    }

    /// <summary>A unit vector seeded by the input's hash: equal inputs give equal vectors.</summary>
    private static float[] Vector(byte[] input, int dimensions)
    {
        var state = 14695981039346656037UL; // FNV-1a
        foreach (var b in input)
        {
            state = (state ^ b) * 1099511628211UL;
        }

        state |= 1;
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            vector[i] = (float)((state >> 11) * (1.0 / (1UL << 53)) * 2 - 1);
            norm += vector[i] * vector[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}
