using ServerlessGateway.LoadBench;

// One program, three roles, so the bench needs nothing installed:
//   run       (default) start the others as separate processes on loopback, drive them, print the table
//   mock      a fast OpenAI-compatible upstream (fixed JSON, or SSE with N chunks)
//   forwarder a bare pass-through proxy: the floor the gateway's features add to
var role = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
var options = BenchOptions.Parse(args.SkipWhile(a => !a.StartsWith('-')).ToArray());
return role switch
{
    "mock" => await MockUpstream.RunAsync(options),
    "forwarder" => await BareForwarder.RunAsync(options),
    "run" => await BenchRunner.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench [run|mock|forwarder] [--duration 5] [--port N] [--upstream URL] [--chunks 20] [--chunk-delay-ms 0] [--latency-ms 0] [--quick]");
    return 2;
}
