using System.Text;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Streams the value out of a wrapped answer's input ({"value": …}) as its fragments arrive: the text
/// up to the colon is skipped, and the trailing whitespace and closing braces of what has arrived so
/// far are held back, because the wrapper's own closing brace can only be told apart at the end.
/// </summary>
public sealed class WrappedAnswerReader
{
    private readonly StringBuilder pending = new();
    private bool inValue;
    private bool valueStarted;

    /// <summary>Takes a fragment of the input; returns the part of the value that can be sent now (maybe empty).</summary>
    public string Push(string fragment)
    {
        pending.Append(fragment);
        if (!inValue)
        {
            var colon = pending.ToString().IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return "";
            }

            pending.Remove(0, colon + 1);
            inValue = true;
        }

        if (!valueStarted)
        {
            var start = 0;
            while (start < pending.Length && char.IsWhiteSpace(pending[start]))
            {
                start++;
            }

            pending.Remove(0, start);
            valueStarted = pending.Length > 0;
        }

        var end = pending.Length;
        while (end > 0 && (pending[end - 1] == '}' || char.IsWhiteSpace(pending[end - 1])))
        {
            end--;
        }

        var ready = pending.ToString(0, end);
        pending.Remove(0, end);
        return ready;
    }

    /// <summary>At the end of the input: what was held back, without the wrapper's closing brace.</summary>
    public string Finish()
    {
        var held = pending.ToString();
        pending.Clear();
        var last = held.LastIndexOf('}');
        return (last >= 0 ? held[..last] : held).TrimEnd();
    }
}
