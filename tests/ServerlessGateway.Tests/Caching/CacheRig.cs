using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Caching;
using ServerlessGateway.Tests.Accounting.Ledger;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Caching;

/// <summary>
/// A gateway in front of one fake OpenAI upstream whose every answer is numbered ("answer 1", "answer 2"...), so a test
/// can tell a cached answer from a fresh one and count the upstream calls. Two keys in different teams.
/// </summary>
internal sealed class CacheRig : IAsyncDisposable
{
    public const string KeyA = "sk-cache-key-a-0001";
    public const string KeyB = "sk-cache-key-b-0002";
    private int answers;

    private CacheRig(FakeUpstream upstream, GatewayHost gateway)
    {
        Upstream = upstream;
        Gateway = gateway;
    }

    public FakeUpstream Upstream { get; }

    public GatewayHost Gateway { get; }

    public int UpstreamCalls => Upstream.Requests.Count;

    public static async Task<CacheRig> StartAsync(Action<JsonObject>? caching = null, TimeProvider? time = null, bool streamUpstream = false, Action<JsonObject>? configure = null)
    {
        CacheRig? rig = null;
        var upstream = await FakeUpstream.StartAsync(context => rig!.AnswerAsync(context, streamUpstream));
        var cache = new JsonObject();
        caching?.Invoke(cache);
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!.AsObject();
        gateway["Keys"] = new JsonArray(
            new JsonObject { ["Name"] = "a", ["Key"] = KeyA },
            new JsonObject { ["Name"] = "b", ["Key"] = KeyB });
        gateway["Providers"]!["up"] = new JsonObject { ["Type"] = "openai-compatible", ["BaseUrl"] = upstream.BaseUrl + "/v1", ["ApiKey"] = "sk-upstream", ["TimeoutSeconds"] = 5 };
        gateway["Models"]!["chat"] = GatewayHost.Deployments(("up", "gpt-4o-mini"));
        gateway["Models"]!["embed"] = GatewayHost.Deployments(("up", "text-embedding-3-small"));
        gateway["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["FlushIntervalMilliseconds"] = 50 } };
        gateway["Resilience"] = new JsonObject { ["Retry"] = new JsonObject { ["MaxRetries"] = 0 } };
        gateway["Caching"] = cache;
        configure?.Invoke(gateway);
        rig = new CacheRig(upstream, await GatewayHost.StartAsync(config, time: time));
        return rig;
    }

    /// <summary>What the upstream answers next; null: numbered answers.</summary>
    public Func<HttpContext, Task>? Override { get; set; }

    private Task AnswerAsync(HttpContext context, bool stream)
    {
        if (Override is { } custom)
        {
            return custom(context);
        }

        var n = Interlocked.Increment(ref answers);
        if (context.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return Respond.Json(context, 200, OpenAIWire.Embeddings());
        }

        return stream
            ? Respond.Sse(context, [OpenAIWire.Chunk("answer", role: true), OpenAIWire.Chunk($" {n}", "stop"), OpenAIWire.UsageChunk()])
            : Respond.Json(context, 200, OpenAIWire.Completion($"answer {n}"));
    }

    public CacheStats Stats => Gateway.Services.GetRequiredService<CacheStats>();

    public HttpClient Client(string key = KeyA) => Gateway.CreateClient(key);

    /// <summary>
    /// Waits until the cache writer has stored everything queued and nothing new arrived for 100 ms: a client can have
    /// the whole answer (and send its next request) a moment before the gateway settles the request and queues it.
    /// </summary>
    public async Task StoredAsync()
    {
        var writer = Gateway.Services.GetRequiredService<CacheWriter>();
        var stats = Gateway.Services.GetRequiredService<CacheStats>();
        var stored = -1L;
        for (var i = 0; i < 100 && (writer.Pending > 0 || stats[CacheCounter.Stored] != stored); i++)
        {
            stored = stats[CacheCounter.Stored];
            await Task.Delay(100);
        }

        Assert.Equal(0, writer.Pending);
    }

    public async Task<UsageRecord> RecordAsync(string requestId)
    {
        var store = Gateway.Services.GetRequiredService<IUsageStore>();
        await LedgerRecords.EventuallyAsync(async () => (await store.GetRequestAsync(requestId, CancellationToken.None)).Count > 0, "the usage record of " + requestId);
        return (await store.GetRequestAsync(requestId, CancellationToken.None)).Single();
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
