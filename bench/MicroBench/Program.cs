using BenchmarkDotNet.Running;
using ServerlessGateway.MicroBench;

// dotnet run -c Release --project bench/MicroBench -- --filter '*'
// Tokenizer side by side (bench/tokenizer/compare.sh): tokenizer-texts DIR, then tokenizer-compare DIR.
switch (args)
{
    case ["tokenizer-texts", var folder]:
        TokenizerTexts.WriteAll(folder);
        break;
    case ["tokenizer-compare", var folder]:
        TokenizerSideBySide.Run(folder);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
        break;
}
