using System.Collections.Frozen;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Selection;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>Builds what the selector reads — options bound from JSON as the app binds them, parsed requests, callers — with the real tokenizer.</summary>
internal static class SelectionRig
{
    public static readonly ITokenCounter Tokens = new TokenCounter(new GatewayConfigStore(
        new ConfigurationBuilder().Build(),
        new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System),
        NullLogger<GatewayConfigStore>.Instance));

    /// <summary>The "Gateway" section of <paramref name="json"/>, bound the way the app binds its document.</summary>
    public static GatewayOptions Options(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);
        return options;
    }

    public static SnapshotResult Build(GatewayOptions options) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);

    public static SelectionConfig Compile(string json)
    {
        var result = Build(Options(json));
        Assert.True(result.Snapshot is not null, string.Join(Environment.NewLine, result.Errors));
        return result.Snapshot.Selection;
    }

    /// <summary>A mock model per name, in the shape of a configuration document's "Models".</summary>
    public static string MockModels(params string[] names) =>
        string.Join(",", names.Select(n => $$"""  "{{n}}": { "Deployments": [ { "Provider": "mock", "Model": "{{n}}" } ] }"""));

    public static ChatRequest Chat(string json)
    {
        var parsed = ChatRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(json)));
        Assert.True(parsed.Error is null, parsed.Error?.Message);
        return parsed.Value!;
    }

    public static EmbeddingsRequest Embeddings(string json)
    {
        var parsed = EmbeddingsRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(json)));
        Assert.True(parsed.Error is null, parsed.Error?.Message);
        return parsed.Value!;
    }

    public static CallerIdentity Caller(string key = "app", string? user = null, string? team = null, string? organization = null) =>
        new(key, isAdmin: false, null) { UserId = user, TeamId = team, OrganizationId = organization };

    public static SelectionInput Input(
        ParsedRequest request, CallerIdentity? caller = null, IDictionary<string, string>? headers = null, IDictionary<string, string>? tags = null)
    {
        var headerDictionary = new HeaderDictionary();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            headerDictionary[name] = value;
        }

        return new SelectionInput(caller ?? Caller(), request, headerDictionary, (tags ?? new Dictionary<string, string>()).ToFrozenDictionary());
    }
}

/// <summary>A reproducible draw sequence (System.Random with a seed), or one fixed value.</summary>
internal sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random random = new(seed);

    public double NextDouble() => random.NextDouble();
}

internal sealed class FixedRandom(double value) : IRandomSource
{
    public double NextDouble() => value;
}
