namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>Reads an SSE response event by event, as a client would, without waiting for the end.</summary>
public sealed class SseClient(Stream body) : IDisposable
{
    private readonly StreamReader reader = new(body);

    public static async Task<(HttpResponseMessage Response, SseClient Events)> OpenAsync(HttpClient client, string path, string json, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Body(json) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (response, new SseClient(await response.Content.ReadAsStreamAsync(cancellationToken)));
    }

    /// <summary>The next event's data, or null at the end of the stream. Comments are returned as ":comment".</summary>
    public async Task<string?> NextAsync(CancellationToken cancellationToken = default)
    {
        string? data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return data;
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                return line;
            }

            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = data is null ? line[6..] : data + "\n" + line[6..];
            }
        }

        return data;
    }

    public async Task<List<string>> RestAsync(CancellationToken cancellationToken = default)
    {
        var events = new List<string>();
        while (await NextAsync(cancellationToken) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose() => reader.Dispose();
}
