using System.Text;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// The heap merge used for longer pieces must make exactly the merges of tiktoken's array scan (used for short ones):
/// both are run on the same random pieces, chosen to have many equal-rank ties and long merge chains.
/// </summary>
public sealed class BytePairMergeTests
{
    [Theory]
    [InlineData(EncodingNames.O200kBase)]
    [InlineData(EncodingNames.Cl100kBase)]
    public void The_heap_merge_equals_the_array_scan(string name)
    {
        var ranks = RankTable.Load(TiktokenEncoding.OpenRankData(name));
        var random = new Random(7);
        string[] alphabets = ["a", "ab", "abc", " ", " \n", "0123456789", "aeiouxyz", "ABab", "ééè", "中文字", "!?.", "👍"];
        Span<int> scan = stackalloc int[BytePairMerge.SmallPieceLimit];
        Span<int> heap = stackalloc int[BytePairMerge.SmallPieceLimit];
        for (var i = 0; i < 3000; i++)
        {
            var alphabet = alphabets[random.Next(alphabets.Length)];
            var text = new StringBuilder();
            while (Encoding.UTF8.GetByteCount(text.ToString()) < random.Next(2, BytePairMerge.SmallPieceLimit - 4))
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var piece = Encoding.UTF8.GetBytes(text.ToString());
            var count = BytePairMerge.MergeByScan(ranks, piece, scan);
            var heapCount = BytePairMerge.MergeWithHeap(ranks, piece, heap);

            Assert.Equal(scan[..count].ToArray(), heap[..heapCount].ToArray());
        }
    }

    [Theory]
    [InlineData(EncodingNames.O200kBase)]
    [InlineData(EncodingNames.Cl100kBase)]
    public void Merging_the_bytes_of_any_token_gives_back_that_token(string name)
    {
        // tiktoken looks a whole piece up before merging; in these encodings that is only a shortcut, since BPE
        // rebuilds every token from its bytes. (Were it not so, the lookup would change results.)
        var ranks = RankTable.Load(TiktokenEncoding.OpenRankData(name));
        var ids = new int[BytePairMerge.SmallPieceLimit];
        for (var rank = 0; rank < ranks.Count; rank++)
        {
            var bytes = ranks.TokenBytes(rank);
            if (bytes.Length > 1)
            {
                var count = BytePairMerge.MergeByScan(ranks, bytes, ids);
                Assert.True(count == 1 && ids[0] == rank, $"token {rank} merges to {string.Join(",", ids[..count])}");
            }
        }
    }
}
