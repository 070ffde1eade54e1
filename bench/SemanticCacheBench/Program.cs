using ServerlessGateway.Caching.Semantic;
using ServerlessGateway.SemanticCacheBench;

// The semantic cache's quality (hit / false-hit rates on labelled pairs) and latency (embed + search + guard at
// 10k and 100k entries, flat vs HNSW). Everything is printed at the end as Markdown, for docs/BENCHMARKS.md.
var options = BenchOptions.Parse(args);
var root = EvaluationData.Locate(options.DataPath);
if (root is null)
{
    Console.WriteLine("The semantic-cache evaluation data is absent (expected ../shared/data/semantic-cache beside the repository, or --data DIR); nothing to measure.");
    return 0;
}

var data = EvaluationData.Load(root);
var report = new System.Text.StringBuilder();
if (options.Quality)
{
    List<EmbedderVariant> variants = [new("local", new LocalEmbedder())];
    if (!options.Quick)
    {
        variants.Add(new("local, words only", new LocalEmbedder(new LocalEmbedderOptions { BigramWeight = 0, CharGramWeight = 0 })));
        variants.Add(new("local, no char-grams", new LocalEmbedder(new LocalEmbedderOptions { CharGramWeight = 0 })));
        variants.Add(new("local, function words at full weight", new LocalEmbedder(new LocalEmbedderOptions { StopWordWeight = 1 })));
        variants.Add(new("local, 512 dims", new LocalEmbedder(new LocalEmbedderOptions { Dimensions = 512 })));
        variants.Add(new("local, 1024 dims", new LocalEmbedder(new LocalEmbedderOptions { Dimensions = 1024 })));
    }

    report.Append(await QualityBench.RunAsync(data, variants));
}

if (options.Latency)
{
    report.Append(LatencyBench.Run(data, options));
}

Console.WriteLine(report);
return 0;
