namespace ServerlessGateway.Routing.Selection;

/// <summary>A value of the request a route condition compares: a fixed field, or a named header, tag or metadata entry.</summary>
public sealed class RequestField
{
    private const string HeaderPrefix = "header:";
    private const string TagPrefix = "tag:";
    private const string MetadataPrefix = "metadata:";

    public static readonly IReadOnlyList<string> Known =
        ["model", "user", "key", "team", "organization", HeaderPrefix + "NAME", TagPrefix + "NAME", MetadataPrefix + "NAME"];

    private readonly Kind kind;
    private readonly string name;

    private RequestField(Kind kind, string name, string text)
    {
        this.kind = kind;
        this.name = name;
        Text = text;
    }

    private enum Kind
    {
        Model,
        User,
        Key,
        Team,
        Organization,
        Header,
        Tag,
        Metadata,
    }

    /// <summary>The field as written in the configuration.</summary>
    public string Text { get; }

    /// <summary>The field <paramref name="text"/> names, or null when it names none (or a prefix without a name).</summary>
    public static RequestField? Parse(string? text) => text switch
    {
        "model" => new(Kind.Model, "", text),
        "user" => new(Kind.User, "", text),
        "key" => new(Kind.Key, "", text),
        "team" => new(Kind.Team, "", text),
        "organization" => new(Kind.Organization, "", text),
        _ when Named(text, HeaderPrefix) is { } header => new(Kind.Header, header, text!),
        _ when Named(text, TagPrefix) is { } tag => new(Kind.Tag, tag, text!),
        _ when Named(text, MetadataPrefix) is { } metadata => new(Kind.Metadata, metadata, text!),
        _ => null,
    };

    /// <summary>The value in this request, or null when the request does not have it.</summary>
    public string? Read(in SelectionInput input) => kind switch
    {
        Kind.Model => input.Request.Model,
        Kind.User => input.User,
        Kind.Key => input.Caller.KeyName,
        Kind.Team => input.Caller.TeamId,
        Kind.Organization => input.Caller.OrganizationId,
        Kind.Header => input.Header(name),
        Kind.Tag => input.Tag(name),
        _ => input.Metadata(name),
    };

    private static string? Named(string? text, string prefix) =>
        text is not null && text.Length > prefix.Length && text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : null;
}
