using System.Diagnostics;
using System.Globalization;
using System.Text;
using ServerlessGateway.Caching.Semantic;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>
/// Lookup latency at 10k and 100k entries, flat vs HNSW: search alone, and the whole semantic lookup (embed the
/// query, search, run the guard on the best match), p50/p99 over the queries after a warm-up; plus build time,
/// memory per entry, HNSW recall@1 against the exact answer, where flat stops being faster (the partition
/// migration threshold), and whether concurrent searches scale (the read lock).
/// </summary>
public static class LatencyBench
{
    private const float HitSimilarity = 0.8f;
    private static readonly int[] CrossoverSizes = [1_000, 2_000, 3_000, 5_000, 10_000];
    private static readonly int[] EfSearches = [16, 32, 64, 128, 256];

    public static string Run(EvaluationData data, BenchOptions options)
    {
        var corpus = new LatencyCorpus(data);
        var embedder = new LocalEmbedder();
        int[] sizes = options.Quick ? [10_000] : [10_000, 100_000];
        var report = new StringBuilder();
        var table = new MarkdownTable("entries", "index", "build", "bytes / entry", "search p50 µs", "search p99 µs",
            "lookup p50 µs", "lookup p99 µs", "recall@1", "recall@1, best ≥ 0.8");
        var parts = new MarkdownTable("piece", "p50 µs", "p99 µs");
        foreach (var size in sizes)
        {
            var texts = corpus.Stored(size);
            var vectors = texts.Select(text => embedder.Embed(text)!).ToList();
            var queries = corpus.Queries(texts, options.Queries);
            using var flat = Build(() => new FlatVectorIndex(embedder.Dimensions, size), vectors, out var flatBuild, out var flatBytes);
            using var hnsw = Build(() => new HnswVectorIndex(embedder.Dimensions, seed: 7, initialCapacity: size), vectors, out var hnswBuild, out var hnswBytes);
            var exact = Measure(flat, embedder, texts, queries);
            var approximate = Measure(hnsw, embedder, texts, queries);
            var (recall, recallOfHits) = Recall(exact.Best, approximate.Best);
            table.Add(size.ToString("N0", CultureInfo.InvariantCulture), "flat", Seconds(flatBuild), flatBytes,
                Micros(exact.Search, 0.5), Micros(exact.Search, 0.99), Micros(exact.Lookup, 0.5), Micros(exact.Lookup, 0.99), "1 (exact)", "1 (exact)");
            table.Add(size.ToString("N0", CultureInfo.InvariantCulture), "HNSW", Seconds(hnswBuild), hnswBytes,
                Micros(approximate.Search, 0.5), Micros(approximate.Search, 0.99), Micros(approximate.Lookup, 0.5), Micros(approximate.Lookup, 0.99),
                recall, recallOfHits);
            if (size == sizes[^1])
            {
                report.AppendLine("### HNSW efSearch at " + size.ToString("N0", CultureInfo.InvariantCulture) + " entries").AppendLine()
                    .Append(EfTable(hnsw, queries.Select(q => embedder.Embed(q)!).ToList(), exact.Best)).AppendLine();
            }

            if (size == sizes[0])
            {
                parts.Add("embed the query (local, " + embedder.Dimensions + " dims)", Micros(exact.Embed, 0.5), Micros(exact.Embed, 0.99));
                parts.Add("guard on the best match", Micros(exact.Guard, 0.5), Micros(exact.Guard, 0.99));
                report.AppendLine("### Where flat stops being faster (search p50 µs, one partition)").AppendLine()
                    .Append(Crossover(vectors, queries.Select(q => embedder.Embed(q)!).ToList())).AppendLine()
                    .AppendLine("### Concurrent searches (read lock), " + size.ToString("N0", CultureInfo.InvariantCulture) + " entries").AppendLine()
                    .Append(Concurrency(flat, hnsw, queries.Select(q => embedder.Embed(q)!).ToList())).AppendLine();
            }
        }

        return "### Latency: one semantic lookup\n\n" + table + "\n" + parts + "\n" + report;
    }

    private sealed record Timings(double[] Embed, double[] Search, double[] Guard, double[] Lookup, VectorMatch?[] Best);

    private static T Build<T>(Func<T> create, List<float[]> vectors, out TimeSpan elapsed, out long bytesPerEntry)
        where T : IVectorIndex
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        var index = create();
        for (var i = 0; i < vectors.Count; i++)
        {
            index.Add(i.ToString(CultureInfo.InvariantCulture), vectors[i]);
        }

        elapsed = Stopwatch.GetElapsedTime(started);
        // The keys were made by the loop above: count them as the index's own memory, as in the gateway.
        bytesPerEntry = (GC.GetTotalMemory(forceFullCollection: true) - before) / vectors.Count;
        return index;
    }

    private static Timings Measure(IVectorIndex index, LocalEmbedder embedder, List<string> texts, List<string> queries)
    {
        var warmUp = Math.Min(200, queries.Count / 10);
        var timings = new Timings(new double[queries.Count], new double[queries.Count], new double[queries.Count], new double[queries.Count], new VectorMatch?[queries.Count]);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < (round == 0 ? warmUp : queries.Count); i++)
            {
                var started = Stopwatch.GetTimestamp();
                var vector = embedder.Embed(queries[i])!;
                var embedded = Stopwatch.GetTimestamp();
                var best = index.Search(vector, 1, float.NegativeInfinity);
                var searched = Stopwatch.GetTimestamp();
                _ = best.Count > 0 && SemanticGuard.Check(queries[i], texts[int.Parse(best[0].Key, CultureInfo.InvariantCulture)]).Agrees;
                var guarded = Stopwatch.GetTimestamp();
                timings.Embed[i] = Elapsed(started, embedded);
                timings.Search[i] = Elapsed(embedded, searched);
                timings.Guard[i] = Elapsed(searched, guarded);
                timings.Lookup[i] = Elapsed(started, guarded);
                timings.Best[i] = best.Count > 0 ? best[0] : null;
            }
        }

        return timings;
    }

    /// <summary>Recall@1 against the exact answer (a tie in similarity counts as found), over all queries and
    /// over those whose exact best is close enough to be a cache hit.</summary>
    private static (string All, string Hits) Recall(VectorMatch?[] exact, VectorMatch?[] approximate)
    {
        int found = 0, hits = 0, foundHits = 0;
        for (var i = 0; i < exact.Length; i++)
        {
            var same = exact[i] is not { } e || (approximate[i] is { } a && (a.Key == e.Key || a.Similarity >= e.Similarity - 1e-6f));
            found += same ? 1 : 0;
            if (exact[i]?.Similarity >= HitSimilarity)
            {
                hits++;
                foundHits += same ? 1 : 0;
            }
        }

        return (Ratio(found, exact.Length), Ratio(foundHits, hits) + $" ({hits} queries)");
    }

    private static MarkdownTable Crossover(List<float[]> vectors, List<float[]> queries)
    {
        var table = new MarkdownTable("entries", "flat", "HNSW");
        foreach (var size in CrossoverSizes.Where(size => size <= vectors.Count))
        {
            using var flat = Build(() => new FlatVectorIndex(vectors[0].Length, size), vectors[..size], out _, out _);
            using var hnsw = Build(() => new HnswVectorIndex(vectors[0].Length, seed: 7, initialCapacity: size), vectors[..size], out _, out _);
            table.Add(size.ToString("N0", CultureInfo.InvariantCulture), Micros(SearchTimes(flat, queries), 0.5), Micros(SearchTimes(hnsw, queries), 0.5));
        }

        return table;
    }

    private static MarkdownTable EfTable(HnswVectorIndex hnsw, List<float[]> queries, VectorMatch?[] exact)
    {
        var table = new MarkdownTable("efSearch", "search p50 µs", "search p99 µs", "recall@1", "recall@1, best ≥ 0.8");
        var chosen = hnsw.EfSearch;
        foreach (var ef in EfSearches)
        {
            hnsw.EfSearch = ef;
            var times = SearchTimes(hnsw, queries);
            var (all, hits) = Recall(exact, queries.Select(query => hnsw.Search(query, 1, float.NegativeInfinity) is [var best, ..] ? best : (VectorMatch?)null).ToArray());
            table.Add(ef == chosen ? $"**{ef}** (default)" : ef.ToString(CultureInfo.InvariantCulture), Micros(times, 0.5), Micros(times, 0.99), all, hits);
        }

        hnsw.EfSearch = chosen;
        return table;
    }

    private static double[] SearchTimes(IVectorIndex index, List<float[]> queries) => queries.Select(query =>
    {
        var started = Stopwatch.GetTimestamp();
        index.Search(query, 1, float.NegativeInfinity);
        return Elapsed(started, Stopwatch.GetTimestamp());
    }).ToArray();

    private static MarkdownTable Concurrency(IVectorIndex flat, IVectorIndex hnsw, List<float[]> queries)
    {
        var table = new MarkdownTable("threads", "flat searches / s", "HNSW searches / s");
        for (var threads = 1; threads <= 2; threads++)
        {
            table.Add(threads, SearchesPerSecond(flat, queries, threads), SearchesPerSecond(hnsw, queries, threads));
        }

        return table;
    }

    private static string SearchesPerSecond(IVectorIndex index, List<float[]> queries, int threads)
    {
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            foreach (var query in queries)
            {
                index.Search(query, 1, float.NegativeInfinity);
            }
        });
        return (threads * queries.Count / Stopwatch.GetElapsedTime(started).TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);
    }

    private static double Elapsed(long from, long to) => (to - from) * 1_000_000.0 / Stopwatch.Frequency;

    private static string Micros(double[] values, double percentile)
    {
        var sorted = values.Order().ToArray();
        return MarkdownTable.Micros(sorted[(int)(percentile * (sorted.Length - 1))]);
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Ratio(int part, int whole) => whole == 0 ? "–" : ((double)part / whole).ToString("0.000", CultureInfo.InvariantCulture);
}
