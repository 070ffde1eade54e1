using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/MicroBench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(ServerlessGateway.MicroBench.HotPathBenchmarks).Assembly).Run(args);
