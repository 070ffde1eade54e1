namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// The only request fields left out of the exact key: top-level fields that provably cannot change the answer.
/// Everything else counts, unknown and provider-specific fields included (a key built from a hand-picked subset is
/// how other gateways came to serve one model's or one reasoning effort's answer for another). Nested fields of the
/// same names always count: inside a tool schema or a message they are content.
/// </summary>
internal static class IgnoredRequestFields
{
    public static bool Contains(ReadOnlySpan<byte> name) =>

        // Streamed or not, the answer is the same; the gateway replays a cached answer in either shape.
        name.SequenceEqual("stream"u8)

        // Framing of a stream only (include_usage, obfuscation), never its content.
        || name.SequenceEqual("stream_options"u8)

        // The end user's id, for the provider's abuse monitoring; it does not steer the model.
        || name.SequenceEqual("user"u8)

        // The caller's own labels, stored with the completion for its dashboards.
        || name.SequenceEqual("metadata"u8)

        // Whether the provider keeps the completion for evals and distillation.
        || name.SequenceEqual("store"u8)

        // The gateway's own cache-control object: it decides whether the cache is used, not what the answer is.
        || name.SequenceEqual("cache"u8)

        // The requested name is replaced by the resolved model in the scope, so aliases of one model share entries
        // and one alias re-pointed at another model does not.
        || name.SequenceEqual("model"u8);
}
