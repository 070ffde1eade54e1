using ServerlessGateway;
using ServerlessGateway.Configuration;

// One executable, two hosts: `dotnet run` standalone, or an Azure Functions custom handler
// (host.json starts it with FUNCTIONS_CUSTOMHANDLER_PORT set). The request flow lives in
// Pipeline/ProxyHandler.cs; the routes in Endpoints/GatewayEndpoints.cs.
try
{
    await GatewayApplication.Create(args).RunAsync();
    return 0;
}
catch (GatewayConfigurationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
