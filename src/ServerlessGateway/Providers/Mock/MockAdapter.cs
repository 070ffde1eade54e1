using System.Text;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Faults;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Providers.Mock;

/// <summary>
/// A deterministic, offline provider: answers chat (echo or a template, streamed in chunks, with
/// usage) and embeddings (stable pseudo-random unit vectors) with configurable latency. It makes
/// the default configuration work with no keys and no network, and lets apps test against the gateway.
/// Its answers say "mock" in the model name and system_fingerprint, and /v1/models lists it as a mock.
/// Its latency and pauses fall under the deployment's time limits, and it carries out injected faults, like
/// any upstream: so fallbacks can be rehearsed without one.
/// </summary>
public sealed class MockAdapter(TimeProvider time, ITokenCounter tokens) : IProviderAdapter
{
    public string ProviderType => ProviderTypes.Mock;

    public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var deployment = call.Deployment;
        if (call.Fault is { Kind: FaultKind.Status } injected)
        {
            return InjectedFaults.Status(injected, deployment.Name);
        }

        // The answer starts after the latency (and an injected delay), under the limit a real upstream's first token has.
        var options = deployment.Provider.Mock;
        var wait = TimeSpan.FromMilliseconds(options.LatencyMs) + InjectedFaults.Delay(call.Fault);
        if (wait >= deployment.Timeouts.FirstToken)
        {
            await Task.Delay(deployment.Timeouts.FirstToken, time, cancellationToken);
            return UpstreamTimeouts.BeforeAnswer(deployment.Name, deployment.Timeouts);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        var model = "mock/" + deployment.UpstreamModel;
        return call.Request switch
        {
            ChatRequest chat => Chat(chat, call, model, started),
            EmbeddingsRequest embeddings => Embeddings(embeddings, call, model, options),
            _ => new UpstreamFailure(GatewayError.InvalidRequest("The mock provider does not serve this operation."), FailureAction.ReturnToCaller, "unsupported"),
        };
    }

    private UpstreamResult Chat(ChatRequest request, UpstreamCall call, string model, long started)
    {
        var options = call.Deployment.Provider.Mock;
        var reply = MockReply.For(request, call.RequestId, model, MockText.Answer(request, options), time.GetUtcNow().ToUnixTimeSeconds(), tokens);
        if (!request.Stream)
        {
            return Answer(MockJson.Completion(reply), reply.Usage, call);
        }

        return InjectedFaults.CutAfterEvents(call.Fault) == 0
            ? SseStreamRelay.FailedBeforeFirstEvent(call.Deployment.Name, "the stream broke before its first event: " + InjectedFaults.CutDescription(call.Fault!))
            : new MockStreamResponse(reply, call, started, time);
    }

    /// <summary>A JSON answer, or under an injected cut its truncated body, read the way an upstream's would be (and refused).</summary>
    private static UpstreamResult Answer(byte[] json, TokenUsage usage, UpstreamCall call) => InjectedFaults.Cuts(call.Fault)
        ? HttpProviderAdapter.ReadOpenAIAnswer(200, InjectedFaults.Truncate(PooledBody.FromBytes(json)), call.Deployment.Name)
        : new BufferedUpstreamResponse(200, PooledBody.FromBytes(json), usage);

    private UpstreamResult Embeddings(EmbeddingsRequest request, UpstreamCall call, string model, MockOptions options)
    {
        var dimensions = request.Dimensions ?? options.EmbeddingDimensions;
        var inputs = InputItems(request.Body.Span.Slice(request.Input.Start, request.Input.Length));
        var vectors = inputs.Select(input => Vector(input, dimensions)).ToList();
        var promptTokens = inputs.Sum(input => MockText.Tokens(tokens, request.Model, input));
        var json = MockJson.Embeddings(model, vectors, request.Base64, promptTokens);
        return Answer(json, new TokenUsage(promptTokens, 0), call);
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
