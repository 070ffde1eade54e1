namespace ServerlessGateway.Tokenization;

/// <summary>
/// Which encoding a model uses, after tiktoken's <c>model.py</c> (MODEL_TO_ENCODING / MODEL_PREFIX_TO_ENCODING):
/// <list type="bullet">
/// <item>o200k_base: gpt-4o, chatgpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4, gpt-oss (o200k_harmony shares
/// o200k_base's ranks; only its special tokens differ), and fine-tunes of them (<c>ft:gpt-4o…</c>).</item>
/// <item>cl100k_base: gpt-4 and gpt-4-* (turbo, 32k, dated), gpt-3.5-turbo, Azure's gpt-35-turbo, text-embedding-3-*,
/// text-embedding-ada-002, davinci-002, babbage-002.</item>
/// <item>Anything else (other vendors' models, local models, names this table does not know): o200k_base as an
/// estimate — their real tokenizers differ, and the count says it is an estimate.</item>
/// </list>
/// Names are matched case-insensitively, after any <c>vendor/</c> routing prefix (<c>openai/gpt-4o</c>,
/// <c>azure/gpt-4o-mini</c>), so Azure deployment names that start with the model name (<c>gpt-4o-mini-prod</c>)
/// resolve too.
/// </summary>
public static class ModelEncodings
{
    // Longest-first is not needed: no o200k prefix is a prefix of a cl100k one, and o200k is checked first
    // (so "gpt-4o" and "gpt-4.1" never fall through to "gpt-4").
    private static readonly string[] O200kFamilies = ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "gpt-oss", "codex-mini", "computer-use-preview"];

    private static readonly string[] Cl100kFamilies = ["gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002", "davinci-002", "babbage-002"];

    /// <summary>The encoding for <paramref name="model"/>, and whether that is the model's own (not a guess).</summary>
    public static (TiktokenEncoding Encoding, bool IsKnown) Resolve(string model)
    {
        var name = Normalize(model);
        if (Matches(name, O200kFamilies))
        {
            return (TiktokenEncoding.O200kBase, true);
        }

        if (Matches(name, Cl100kFamilies))
        {
            return (TiktokenEncoding.Cl100kBase, true);
        }

        return (TiktokenEncoding.O200kBase, false);
    }

    /// <summary>True when the name is one of OpenAI's models (by the table above).</summary>
    public static bool IsKnown(string model)
    {
        var name = Normalize(model);
        return Matches(name, O200kFamilies) || Matches(name, Cl100kFamilies);
    }

    private static ReadOnlySpan<char> Normalize(string model)
    {
        var name = model.AsSpan().Trim();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        return name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
    }

    /// <summary>The name is a family, or a family followed by '-', '.', ':' or '@' (versions, sizes, snapshots).</summary>
    private static bool Matches(ReadOnlySpan<char> name, string[] families)
    {
        foreach (var family in families)
        {
            if (name.StartsWith(family, StringComparison.OrdinalIgnoreCase)
                && (name.Length == family.Length || name[family.Length] is '-' or '.' or ':' or '@' or '_'))
            {
                return true;
            }
        }

        return false;
    }
}
