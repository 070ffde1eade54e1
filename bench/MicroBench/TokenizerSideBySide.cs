using System.Diagnostics;
using System.Globalization;
using System.Text;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.MicroBench;

/// <summary>
/// The C# half of bench/tokenizer/compare.sh: the same timing loop as compare.js (warm up, then repeat each text
/// until two seconds have passed, best of three rounds) over the same files, printing one line per case.
/// </summary>
public static class TokenizerSideBySide
{
    public static void Run(string folder)
    {
        foreach (var name in TokenizerTexts.Names)
        {
            var text = File.ReadAllText(Path.Combine(folder, name + ".txt"), Encoding.UTF8);
            var bytes = Encoding.UTF8.GetByteCount(text);
            foreach (var encodingName in new[] { EncodingNames.O200kBase, EncodingNames.Cl100kBase })
            {
                var encoding = TiktokenEncoding.Get(encodingName);
                var tokens = encoding.CountTokens(text);
                var best = double.MaxValue;
                for (var round = 0; round < 3; round++)
                {
                    var iterations = 0;
                    var stopwatch = Stopwatch.StartNew();
                    do
                    {
                        encoding.Encode(text);
                        iterations++;
                    }
                    while (stopwatch.Elapsed < TimeSpan.FromSeconds(2.0 / 3));

                    best = Math.Min(best, stopwatch.Elapsed.TotalSeconds / iterations);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway (C#)\t{name}\t{encodingName}\t{bytes}\t{tokens}\t{bytes / best / 1e6:F2}\t{tokens / best:F0}"));
            }
        }
    }
}
