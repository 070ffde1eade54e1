using System.Globalization;
using System.Text;

namespace ServerlessGateway.SemanticCacheBench;

/// <summary>A Markdown table built row by row; columns after the first are right-aligned (numbers).</summary>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public void Add(params object[] cells) =>
        rows.Add(cells.Select(cell => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "").ToArray());

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        text.Append("|---").Append(string.Concat(Enumerable.Repeat("|---:", headers.Length - 1))).AppendLine("|");
        foreach (var row in rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }

    public static string Percent(int part, int whole) =>
        whole == 0 ? "–" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Micros(double value) => value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}
