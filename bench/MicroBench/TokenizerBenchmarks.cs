using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.MicroBench;

/// <summary>
/// Counting tokens (the gateway's use) and encoding to ids, per text and encoding, with throughput columns:
/// MB/s is UTF-8 megabytes (10^6 bytes) of input per second, tokens/s is tokens produced per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class TokenizerBenchmarks
{
    private string text = "";

    [ParamsSource(nameof(TextNames))]
    public string Text { get; set; } = "prose";

    [Params(EncodingNames.O200kBase, EncodingNames.Cl100kBase)]
    public string Encoding { get; set; } = EncodingNames.O200kBase;

    public static IEnumerable<string> TextNames => TokenizerTexts.Names;

    [GlobalSetup]
    public void Setup()
    {
        text = TokenizerTexts.Get(Text);
        TiktokenEncoding.Get(Encoding).CountTokens("warm up: load the ranks");
    }

    [Benchmark]
    public int Count() => TiktokenEncoding.Get(Encoding).CountTokens(text);

    [Benchmark]
    public int[] Encode() => TiktokenEncoding.Get(Encoding).Encode(text);

    /// <summary>Adds the MB/s and tokens/s columns, computed from each case's mean and its text.</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(new ThroughputColumn("MB/s", perToken: false), new ThroughputColumn("tokens/s", perToken: true));
        }
    }

    private sealed class ThroughputColumn(string name, bool perToken) : IColumn
    {
        private static readonly Dictionary<(string, string), (int Bytes, int Tokens)> Sizes = [];

        public string Id => "Throughput." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => perToken ? "Tokens produced per second (from the mean)" : "Megabytes (10^6) of UTF-8 input per second (from the mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (mean is not > 0)
            {
                return "-";
            }

            var textName = (string)benchmarkCase.Parameters["Text"];
            var encodingName = (string)benchmarkCase.Parameters["Encoding"];
            if (!Sizes.TryGetValue((textName, encodingName), out var size))
            {
                var sample = TokenizerTexts.Get(textName);
                size = (System.Text.Encoding.UTF8.GetByteCount(sample), TiktokenEncoding.Get(encodingName).CountTokens(sample));
                Sizes[(textName, encodingName)] = size;
            }

            var perSecond = 1e9 / mean.Value;
            return perToken
                ? (size.Tokens * perSecond).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
                : (size.Bytes * perSecond / 1e6).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public override string ToString() => ColumnName;
    }
}
