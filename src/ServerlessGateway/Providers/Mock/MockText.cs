using System.Text;
using System.Text.Json;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Mock;

/// <summary>What the mock says: the last user message (echo) or the configured template.</summary>
internal static class MockText
{
    public static string Answer(ChatRequest request, Configuration.MockOptions options)
    {
        if (options.Mode != "echo")
        {
            return options.Template;
        }

        // Content parts: the text parts joined, other parts named.
        return ChatContentText.LastUserText(request, " ", nameOtherParts: true) ?? "(no user message)";
    }

    /// <summary>Inputs larger than this are estimated (4 bytes a token): exact counting of megabytes costs seconds.</summary>
    public const int ExactCountLimit = 256 * 1024;

    /// <summary>Tokens of an input, counted exactly up to <see cref="ExactCountLimit"/> bytes.</summary>
    public static int Tokens(Tokenization.ITokenCounter counter, string model, ReadOnlySpan<byte> utf8) =>
        utf8.Length <= ExactCountLimit ? counter.CountText(model, utf8).Tokens : utf8.Length / 4;

    /// <summary>Splits text into stream pieces of N words, each keeping its following space.</summary>
    public static List<string> Chunks(string text, int wordsPerChunk)
    {
        var chunks = new List<string>();
        var start = 0;
        var words = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && ++words == wordsPerChunk)
            {
                chunks.Add(text[start..(i + 1)]);
                start = i + 1;
                words = 0;
            }
        }

        if (start < text.Length || chunks.Count == 0)
        {
            chunks.Add(text[start..]);
        }

        return chunks;
    }
}
