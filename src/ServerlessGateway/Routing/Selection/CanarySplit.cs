using System.Globalization;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// A share of <see cref="Model"/>'s requests served by <see cref="Candidate"/>. Sticky splits put each user (or
/// conversation) in a fixed bucket 0..9999 — a stable hash of the model and the user — and give the canary to
/// buckets below Percent × 100: the same user always gets the same variant, and raising Percent only adds users
/// to the canary (nobody flips back), so a change moves the fewest users possible.
/// </summary>
public sealed class CanarySplit(string model, string candidate, double percent, string stickyBy)
{
    public const int Buckets = 10_000;

    public string Model { get; } = model;

    public string Candidate { get; } = candidate;

    public double Percent { get; } = percent;

    /// <summary>One of <see cref="CanaryStickiness"/>.</summary>
    public string StickyBy { get; } = stickyBy;

    /// <summary>Buckets (of <see cref="Buckets"/>) that get the canary.</summary>
    public int CanaryBuckets { get; } = (int)Math.Round(percent * 100, MidpointRounding.AwayFromZero);

    /// <summary>Whether this request gets the canary, and how that was decided ("sticky user", "random").</summary>
    public (bool Canary, string How) Draw(in SelectionInput input, IRandomSource random)
    {
        var sticky = StickyBy switch
        {
            CanaryStickiness.User => input.User ?? input.Caller.KeyId,
            CanaryStickiness.Conversation => input.Conversation,
            _ => null,
        };

        if (sticky is not null)
        {
            return (Bucket(Model, sticky) < CanaryBuckets, "sticky " + StickyBy);
        }

        var how = StickyBy == CanaryStickiness.Conversation ? "random: no conversation id" : "random";
        return (random.NextDouble() * 100 < Percent, how);
    }

    /// <summary>The percentage as written in reasons: "10%", "2.5%".</summary>
    public string PercentText => Percent.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// The bucket of <paramref name="sticky"/> for <paramref name="model"/>: 64-bit FNV-1a over both strings'
    /// UTF-16 code units, finished with MurmurHash3's mixer so nearby strings ("user-1", "user-2") spread evenly.
    /// Stable across processes, machines and versions (unlike string.GetHashCode), so every instance agrees.
    /// </summary>
    public static int Bucket(string model, string sticky)
    {
        const ulong offset = 14695981039346656037, prime = 1099511628211;
        var hash = offset;
        foreach (var c in model)
        {
            hash = (hash ^ c) * prime;
        }

        hash = (hash ^ 0xFFFF) * prime; // a separator (U+FFFF, a noncharacter), so ("ab", "c") and ("a", "bc") differ
        foreach (var c in sticky)
        {
            hash = (hash ^ c) * prime;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53;
        hash ^= hash >> 33;
        return (int)(hash % Buckets);
    }
}
