namespace ServerlessGateway.Caching.Semantic;

/// <summary>The parameters of <see cref="HnswVectorIndex"/>, defaults as measured by bench/SemanticCacheBench.</summary>
public sealed record HnswOptions
{
    public static HnswOptions Default { get; } = new();

    /// <summary>Links per node on the upper layers (twice this on the bottom layer).</summary>
    public int M { get; init; } = 16;

    /// <summary>Candidates considered when linking a new node: higher builds a better graph, more slowly.</summary>
    public int EfConstruction { get; init; } = 100;

    /// <summary>Candidates considered by a search (at least k): the recall/latency knob.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Share of removed (tombstoned) nodes at which the graph is rebuilt from the live ones.</summary>
    public double RebuildTombstoneShare { get; init; } = 0.25;
}
