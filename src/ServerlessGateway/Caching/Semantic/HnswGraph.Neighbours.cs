using System.Numerics.Tensors;

namespace ServerlessGateway.Caching.Semantic;

/// <summary>How <see cref="HnswGraph"/> chooses and keeps a node's neighbours.</summary>
internal sealed partial class HnswGraph
{
    /// <summary>The paper's neighbour heuristic over candidates sorted best first.</summary>
    private void SelectNeighbours(List<(int Node, float Similarity)> candidates, int limit, List<int> chosen)
    {
        chosen.Clear();
        foreach (var (candidate, similarity) in candidates)
        {
            if (chosen.Count >= limit)
            {
                break;
            }

            var vector = VectorOf(candidate);
            var diverse = true;
            foreach (var other in chosen)
            {
                if (TensorPrimitives.Dot(vector, VectorOf(other)) > similarity)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                chosen.Add(candidate);
            }
        }
    }

    /// <summary>Links <paramref name="node"/> back to <paramref name="added"/>, re-choosing its neighbours when full.</summary>
    private void Connect(int node, int added, int layer)
    {
        var links = LinksOf(node, layer);
        var limit = layer == 0 ? m0 : m;
        if (links[0] < limit)
        {
            links[++links[0]] = added;
            return;
        }

        var vector = VectorOf(node);
        pruneBuffer.Clear();
        pruneBuffer.Add((added, TensorPrimitives.Dot(vector, VectorOf(added))));
        for (var i = 1; i <= links[0]; i++)
        {
            pruneBuffer.Add((links[i], TensorPrimitives.Dot(vector, VectorOf(links[i]))));
        }

        pruneBuffer.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        SelectNeighbours(pruneBuffer, limit, kept);
        links[0] = kept.Count;
        kept.CopyTo(links[1..]);
    }
}
