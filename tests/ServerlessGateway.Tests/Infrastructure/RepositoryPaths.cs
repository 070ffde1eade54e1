namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>Paths inside this repository, found from the test binaries by walking up to the solution file.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string AppProject => Path.Combine(Root, "src", "ServerlessGateway");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ServerlessGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ServerlessGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
