using System.Globalization;
using System.Text;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Routing;

/// <summary>
/// The decision trace of one request: the strategy, candidates skipped and why, and every attempt with its outcome
/// and time — sent as the x-gateway-route header and kept with the usage record. Compact and ASCII, e.g.
/// <c>gpt-4o/lowest-latency; skip aoai/gpt-4o=open; oai/gpt-4o=503 12ms; retry 400ms; oai/gpt-4o=200 35ms</c>.
/// </summary>
public sealed class RouteTrace
{
    private readonly StringBuilder text = new(96);
    private string? rendered;

    public void Model(string model, string strategy) => Add(model).Append('/').Append(strategy);

    public void Note(string note) => Add(note);

    public void Skipped(string deployment, string reason) => Add("skip ").Append(deployment).Append('=').Append(reason);

    public void Attempt(string deployment, string outcome, TimeSpan elapsed) =>
        Add(deployment).Append('=').Append(outcome).Append(' ').Append(((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms");

    public void Waited(string why, TimeSpan delay) =>
        Add(why).Append(' ').Append(((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms");

    /// <summary>The trace so far; rendered once for the header and the usage records that follow it.</summary>
    public override string ToString() => rendered ??= text.ToString();

    private StringBuilder Add(string first)
    {
        rendered = null;
        return (text.Length == 0 ? text : text.Append("; ")).Append(HeaderText.Printable(first));
    }
}
