using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// gpt-tokenizer's TestPlans.txt vectors (../shared/data/tokenizer, read where it lies): every o200k_base and
/// cl100k_base case must give exactly the listed ids. The file's other encodings (r50k, p50k) are not shipped.
/// </summary>
public sealed class TestPlansConformanceTests
{
    private static readonly Lazy<IReadOnlyList<Case>> Cases = new(Load);

    public static IEnumerable<TheoryDataRow<int>> Rows()
    {
        if (!SharedMaterial.IsPresent)
        {
            return [new TheoryDataRow<int>(-1) { Skip = SharedMaterial.AbsentMessage }];
        }

        return Cases.Value.Select((c, i) => new TheoryDataRow<int>(i) { TestDisplayName = $"TestPlans #{i} {c.Encoding}" }).ToList();
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_case_encodes_to_the_listed_ids(int index)
    {
        var test = Cases.Value[index];

        Assert.Equal(test.Ids, TiktokenEncoding.Get(test.Encoding).Encode(test.Sample, allowSpecialTokens: true));
    }

    [Fact]
    public void The_file_has_cases_for_both_encodings()
    {
        SharedMaterial.SkipIfAbsent();

        Assert.True(Cases.Value.Count(c => c.Encoding == EncodingNames.O200kBase) >= 50);
        Assert.True(Cases.Value.Count(c => c.Encoding == EncodingNames.Cl100kBase) >= 50);
    }

    private sealed record Case(string Encoding, string Sample, int[] Ids);

    /// <summary>Blocks of "EncodingName: X", "Sample: text", "Encoded: [ids]"; only the shipped encodings are kept.</summary>
    private static List<Case> Load()
    {
        var cases = new List<Case>();
        string? encoding = null, sample = null;
        foreach (var line in File.ReadLines(SharedMaterial.PathTo("data", "tokenizer", "TestPlans.txt")))
        {
            if (line.StartsWith("EncodingName: ", StringComparison.Ordinal))
            {
                encoding = line["EncodingName: ".Length..].Trim();
            }
            else if (line.StartsWith("Sample: ", StringComparison.Ordinal))
            {
                sample = line["Sample: ".Length..];
            }
            else if (line.StartsWith("Encoded: ", StringComparison.Ordinal) && encoding is EncodingNames.O200kBase or EncodingNames.Cl100kBase)
            {
                var ids = line["Encoded: ".Length..].Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                cases.Add(new Case(encoding, sample ?? "", [.. ids.Select(int.Parse)]));
                encoding = sample = null;
            }
        }

        return cases;
    }
}
