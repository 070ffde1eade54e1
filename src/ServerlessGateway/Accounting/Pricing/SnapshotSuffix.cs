namespace ServerlessGateway.Accounting.Pricing;

/// <summary>
/// The version parts providers append to a model's name for a dated snapshot: "20241022" (Anthropic),
/// "2024-08-06" (OpenAI), "001" (Gemini), "latest". Previews and experiments are not versions: they are
/// often priced differently, so they need their own price or a PriceAs.
/// </summary>
internal static class SnapshotSuffix
{
    public static bool IsVersion(ReadOnlySpan<char> suffix) =>
        suffix is "latest"
        || (suffix.Length is 8 or 3 && IsDigits(suffix))
        || (suffix.Length == 10 && suffix[4] == '-' && suffix[7] == '-' && IsDigits(suffix[..4]) && IsDigits(suffix[5..7]) && IsDigits(suffix[8..]));

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
