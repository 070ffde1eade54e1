using System.Text.Json.Nodes;
using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>Assembling a replay gives back what was replayed, whatever the chunking: a cached answer loses nothing.</summary>
public sealed class ReplayRoundTripTests
{
    [Theory]
    [MemberData(nameof(SampleStreams.Names), MemberType = typeof(SampleStreams))]
    public void Stream_then_assemble_then_replay_then_assemble_gives_the_same_completion(string name)
    {
        var assembled = Assemble(SampleStreams.All[name]);

        foreach (var chunkChars in new[] { 2, 5, 64 })
        {
            var again = Assemble(ReplayChunks(assembled, includeUsage: true, chunkChars));

            AssertSameJson(Parse(assembled), Parse(again));
        }
    }

    [Fact]
    public void A_non_streamed_answer_replayed_and_assembled_is_the_original()
    {
        const string Original = """
            {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06",
             "choices":[
               {"index":0,"message":{"role":"assistant","content":"A wooden boardwalk 🌾 runs through a green meadow.\nThe sky is blue.","refusal":null,
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"describe","arguments":"{\"detail\":\"high\",\"tags\":[\"meadow\",\"sky\"]}"}}]},
                "logprobs":null,"finish_reason":"tool_calls"},
               {"index":1,"message":{"role":"assistant","content":null,"refusal":"I can't describe that."},
                "logprobs":{"content":null,"refusal":[{"token":"I","logprob":-0.1,"bytes":[73],"top_logprobs":[]}]},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,
               "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}
            """;
        var original = JsonNode.Parse(Original)!;

        var again = Parse(Assemble(ReplayChunks(System.Text.Encoding.UTF8.GetBytes(Original), includeUsage: true, chunkChars: 7)));

        AssertSameJson(original, again);
    }

    [Fact]
    public void Without_include_usage_the_replay_assembles_to_the_answer_without_usage()
    {
        var assembled = Parse(Assemble(SampleStreams.Text));
        assembled.AsObject().Remove("usage");

        AssertSameJson(assembled, Parse(Assemble(ReplayChunks(Assemble(SampleStreams.Text), includeUsage: false))));
    }
}
