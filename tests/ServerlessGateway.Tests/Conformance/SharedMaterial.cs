namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Finds the shared material (provider recordings, the OpenAI spec and its validator) that lives
/// beside the repository in ../shared. It is read where it lies at test time and never copied into
/// the repository, so a checkout without it skips these tests instead of failing them.
/// </summary>
internal static class SharedMaterial
{
    public const string AbsentMessage =
        "../shared is absent (expected beside the folder holding ServerlessGateway.sln): the shared recordings and spec are not available here.";

    /// <summary>The full path of ../shared, or null when it is absent.</summary>
    public static string? Root { get; } = Locate();

    public static bool IsPresent => Root is not null;

    /// <summary>A path inside ../shared, e.g. Path("fixtures", "providers").</summary>
    public static string PathTo(params string[] parts) =>
        System.IO.Path.Combine([Root ?? throw new InvalidOperationException(AbsentMessage), .. parts]);

    public static void SkipIfAbsent()
    {
        if (Root is null)
        {
            Assert.Skip(AbsentMessage);
        }
    }

    private static string? Locate()
    {
        // Walk up from the test binaries (bin/Debug/net10.0) to the repository root.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ServerlessGateway.sln")))
            {
                var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
