using System.Text;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// The test side's own reading and writing of SSE bodies, independent of the gateway's parser: the
/// data payloads in order (including "[DONE]"), and framing for recordings stored as bare payloads.
/// </summary>
internal static class SseTranscript
{
    public const string Done = "[DONE]";

    /// <summary>Every event's data (multi-line data joined by \n); comments and other fields are ignored.</summary>
    public static List<string> Payloads(string body)
    {
        var payloads = new List<string>();
        var data = new List<string>();
        foreach (var line in body.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    payloads.Add(string.Join('\n', data));
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line.Length > 5 && line[5] == ' ' ? line[6..] : line[5..]);
            }
        }

        if (data.Count > 0)
        {
            payloads.Add(string.Join('\n', data)); // an event cut off without its blank line
        }

        return payloads;
    }

    /// <summary>Frames bare payloads (vercel-ai *.chunks.txt) the way OpenAI sends them, ending with [DONE].</summary>
    public static byte[] Frame(IEnumerable<string> payloads)
    {
        var sse = new StringBuilder();
        foreach (var payload in payloads)
        {
            sse.Append("data: ").Append(payload).Append("\n\n");
        }

        sse.Append("data: ").Append(Done).Append("\n\n");
        return Encoding.UTF8.GetBytes(sse.ToString());
    }

    /// <summary>A recorded stream its publisher cut short gets the [DONE] the original ended with.</summary>
    public static byte[] EnsureDone(byte[] sse)
    {
        var text = Encoding.UTF8.GetString(sse);
        if (Payloads(text).LastOrDefault() == Done)
        {
            return sse;
        }

        return Encoding.UTF8.GetBytes(text.TrimEnd('\r', '\n') + "\n\ndata: " + Done + "\n\n");
    }
}
