using System.Text;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Resolves ${NAME} and ${NAME:-default} references in configuration values, so secrets live in
/// environment variables (in Azure: app settings, including Key Vault references) and never in the file.
/// </summary>
public sealed class EnvironmentReferences(Func<string, string?> lookup)
{
    public static EnvironmentReferences Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>One variable's value, or null.</summary>
    public string? Get(string name) => lookup(name);

    /// <summary>Returns the resolved value, or null when a reference without default names an unset variable.</summary>
    public string? Resolve(string? value, out string? missingVariable)
    {
        missingVariable = null;
        if (value is null || !value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var start = value.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : value.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                result.Append(value, i, value.Length - i);
                break;
            }

            result.Append(value, i, start - i);
            var reference = value.AsSpan(start + 2, end - start - 2);
            var separator = reference.IndexOf(":-", StringComparison.Ordinal);
            var name = (separator < 0 ? reference : reference[..separator]).ToString();
            var resolved = lookup(name);
            if (string.IsNullOrEmpty(resolved))
            {
                if (separator < 0)
                {
                    missingVariable = name;
                    return null;
                }

                resolved = reference[(separator + 2)..].ToString();
            }

            result.Append(resolved);
            i = end + 1;
        }

        return result.ToString();
    }
}
