namespace ServerlessGateway.Caching.Semantic;

/// <summary>
/// The working memory of one HNSW search, pooled so a search allocates nothing once warm. Visited nodes are
/// marked with the current generation number, so starting a search is O(1) instead of clearing an array.
/// </summary>
internal sealed class SearchScratch
{
    private int[] marks = [];
    private int generation;

    /// <summary>Nodes to expand, best first (priority = negated similarity).</summary>
    public PriorityQueue<int, float> Candidates { get; } = new();

    /// <summary>The best nodes found, worst first, so the worst is dropped when there are too many.</summary>
    public PriorityQueue<int, float> Results { get; } = new();

    public List<(int Node, float Similarity)> Found { get; } = [];

    public void BeginVisit(int nodes)
    {
        if (marks.Length < nodes)
        {
            marks = new int[Math.Max(nodes, marks.Length * 2)];
            generation = 0;
        }

        if (++generation == int.MaxValue)
        {
            Array.Clear(marks);
            generation = 1;
        }
    }

    /// <summary>Marks the node visited; false when it already was.</summary>
    public bool Visit(int node)
    {
        if (marks[node] == generation)
        {
            return false;
        }

        marks[node] = generation;
        return true;
    }
}
