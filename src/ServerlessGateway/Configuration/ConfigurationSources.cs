using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Where the configuration document comes from: the file named by --config or GATEWAY_CONFIG (watched
/// and reloaded on change) or, when none is named, the defaults embedded in the app. A named file
/// replaces the defaults entirely rather than being merged into them, so what the file says is what
/// runs. Environment variables and the command line override either (ASP.NET Core conventions:
/// Gateway__Providers__openai__ApiKey=...), which is how Azure app settings set anything.
/// </summary>
public static class ConfigurationSources
{
    public const string ConfigFileKey = "config";
    public const string ConfigFileVariable = "GATEWAY_CONFIG";
    public const string DefaultsResource = "ServerlessGateway.Configuration.gateway.defaults.json";

    public static void AddGatewayConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        var path = builder.Configuration[ConfigFileKey] ?? Environment.GetEnvironmentVariable(ConfigFileVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            builder.Configuration.AddJsonStream(OpenDefaults());
        }
        else
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new GatewayConfigurationException([$"The configuration file '{full}' does not exist."]);
            }

            // Polling (every 4 s) rather than inotify: the default watcher watches the file's whole folder
            // tree, so a config in a busy folder (/tmp, a mounted share) would cost CPU on every write there.
            var folder = new PhysicalFileProvider(Path.GetDirectoryName(full)!) { UsePollingFileWatcher = true, UseActivePolling = true };
            builder.Configuration.AddJsonFile(folder, Path.GetFileName(full), optional: false, reloadOnChange: true);
        }

        // Added again so that they override the document (the last source wins).
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
    }

    public static Stream OpenDefaults() =>
        typeof(ConfigurationSources).Assembly.GetManifestResourceStream(DefaultsResource)
        ?? throw new InvalidOperationException("The embedded default configuration is missing from the build.");
}
