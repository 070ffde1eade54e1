namespace ServerlessGateway.Pipeline;

/// <summary>Text made safe for a response header value, which must be printable ASCII.</summary>
public static class HeaderText
{
    /// <summary><paramref name="value"/> itself when it is printable ASCII (configured names almost always are), else with '?' for the rest.</summary>
    public static string Printable(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return string.Create(value.Length, value, static (span, text) =>
                {
                    for (var i = 0; i < text.Length; i++)
                    {
                        span[i] = text[i] is >= ' ' and <= '~' ? text[i] : '?';
                    }
                });
            }
        }

        return value;
    }
}
