using System.Globalization;

namespace ServerlessGateway.SemanticCacheBench;

public sealed record BenchOptions
{
    /// <summary>The semantic-cache evaluation data (default: ../shared/data/semantic-cache beside the repository).</summary>
    public string? DataPath { get; init; }

    public bool Quality { get; init; }

    public bool Latency { get; init; }

    /// <summary>Fewer embedder variants and smaller index sizes, for a quick look.</summary>
    public bool Quick { get; init; }

    /// <summary>Lookups timed per index size.</summary>
    public int Queries { get; init; } = 2_000;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => args[++i];
            options = args[i] switch
            {
                "--data" => options with { DataPath = Path.GetFullPath(Next()) },
                "--quality" => options with { Quality = true },
                "--latency" => options with { Latency = true },
                "--quick" => options with { Quick = true },
                "--queries" => options with { Queries = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException("unknown option " + args[i]),
            };
        }

        // Neither section named: run both.
        return options.Quality || options.Latency ? options : options with { Quality = true, Latency = true };
    }
}
