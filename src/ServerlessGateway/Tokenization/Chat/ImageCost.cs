namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// What an image costs a model in prompt tokens, by OpenAI's published vision formulas ("Images and vision →
/// Calculating costs"):
/// <list type="bullet">
/// <item>Tiles (gpt-4o, gpt-4.1, gpt-4.5, gpt-4-turbo, o1, o3, gpt-5 and unknown models): detail "low" costs the base
/// tokens; otherwise the image is scaled to fit 2048×2048, then down so its short side is at most 768, and each
/// 512-pixel tile costs the tile tokens, plus the base. Base/tile: 85/170 by default, 75/150 for o1 and o3, 70/140 for
/// gpt-5, 2833/5667 for gpt-4o-mini.</item>
/// <item>Patches (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5-nano): 32-pixel patches, at most 1536 (the
/// image is scaled down to fit), times a per-model multiplier (1.62, 2.46, 1.72, 1.62, 2.46).</item>
/// </list>
/// "auto" is counted as "high" (an upper bound). An image whose size is unknown (a remote URL, which the gateway does
/// not fetch) is counted at the largest cost the formula allows: 8 tiles, or 1536 patches. Every image makes the
/// count an estimate: OpenAI has changed these numbers over time and users measure small differences.
/// </summary>
internal readonly record struct ImageCost(int BaseTokens, int TileTokens, double PatchMultiplier)
{
    private const int MaxPatches = 1536;

    private bool UsesPatches => PatchMultiplier > 0;

    public static ImageCost For(string model)
    {
        var name = model.AsSpan();
        var slash = name.LastIndexOf('/');
        name = slash >= 0 ? name[(slash + 1)..] : name;
        return name switch
        {
            _ when Is(name, "gpt-4.1-mini") || Is(name, "gpt-5-mini") => Patches(1.62),
            _ when Is(name, "gpt-4.1-nano") || Is(name, "gpt-5-nano") => Patches(2.46),
            _ when Is(name, "o4-mini") => Patches(1.72),
            _ when Is(name, "gpt-4o-mini") => new ImageCost(2833, 5667, 0),
            _ when Is(name, "o1") || Is(name, "o3") => new ImageCost(75, 150, 0),
            _ when Is(name, "gpt-5") => new ImageCost(70, 140, 0),
            _ => new ImageCost(85, 170, 0),
        };
    }

    /// <summary>Tokens for one image; <paramref name="size"/> null when unknown.</summary>
    public int Tokens((int Width, int Height)? size, bool lowDetail)
    {
        if (UsesPatches)
        {
            var patches = size is { } known ? Patches(known.Width, known.Height) : MaxPatches;
            return (int)Math.Ceiling(patches * PatchMultiplier);
        }

        if (lowDetail)
        {
            return BaseTokens;
        }

        return BaseTokens + TileTokens * (size is { } s ? Tiles(s.Width, s.Height) : 8);
    }

    internal static int Tiles(int width, int height)
    {
        double w = Math.Max(width, 1), h = Math.Max(height, 1);
        if (Math.Max(w, h) > 2048)
        {
            var fit = 2048 / Math.Max(w, h);
            (w, h) = (w * fit, h * fit);
        }

        if (Math.Min(w, h) > 768)
        {
            var shrink = 768 / Math.Min(w, h);
            (w, h) = (w * shrink, h * shrink);
        }

        return (int)(Math.Ceiling(w / 512) * Math.Ceiling(h / 512));
    }

    internal static int Patches(int width, int height)
    {
        double w = Math.Max(width, 1), h = Math.Max(height, 1);
        var patches = Math.Ceiling(w / 32) * Math.Ceiling(h / 32);
        if (patches <= MaxPatches)
        {
            return (int)patches;
        }

        var scale = Math.Sqrt(32 * 32 * MaxPatches / (w * h));
        scale *= Math.Min(Math.Floor(w * scale / 32) / (w * scale / 32), Math.Floor(h * scale / 32) / (h * scale / 32));
        return (int)Math.Min(MaxPatches, Math.Ceiling(Math.Floor(w * scale) / 32) * Math.Ceiling(Math.Floor(h * scale) / 32));
    }

    private static ImageCost Patches(double multiplier) => new(0, 0, multiplier);

    private static bool Is(ReadOnlySpan<char> name, string family) =>
        name.StartsWith(family, StringComparison.OrdinalIgnoreCase) && (name.Length == family.Length || name[family.Length] is '-' or '.' or ':' or '@' or '_');
}
