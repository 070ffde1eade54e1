using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// The encoder against the reference (../shared/tools/tokref: js-tiktoken, cross-checked by OpenAI's Rust core
/// built to WASM) on a generated multilingual corpus: every text must give the same ids in both encodings.
/// </summary>
public sealed class DifferentialTests
{
    [Fact]
    public async Task A_generated_multilingual_corpus_encodes_exactly_like_the_reference()
    {
        Tokref.SkipIfUnavailable();
        var corpus = MultilingualCorpus.Generate(1500, seed: 20261121);

        var references = await Tokref.RunAsync(corpus);

        var mismatches = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            Check(i, EncodingNames.O200kBase, references[i].O200k);
            Check(i, EncodingNames.Cl100kBase, references[i].Cl100k);
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {corpus.Count * 2} encodings differ:\n{string.Join("\n", mismatches.Take(10))}");
        Assert.All(references, r => Assert.True(r.Agree, "the reference libraries disagree with each other"));

        void Check(int index, string encoding, int[] expected)
        {
            var actual = TiktokenEncoding.Get(encoding).Encode(corpus[index]);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                mismatches.Add($"#{index} {encoding}: {System.Text.Json.JsonSerializer.Serialize(corpus[index])[..Math.Min(200, corpus[index].Length + 2)]}");
            }
        }
    }
}
