using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Mock;

/// <summary>The mock reports usage the way a real model would: counted with the gateway's tokenizer.</summary>
public sealed class MockUsageTests
{
    private const string Request = """{"model":"mock-echo","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello world, how are you today?"}]}""";

    [Fact]
    public async Task Prompt_and_completion_tokens_are_the_tokenizers_counts()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());

        using var answer = await gateway.Client.PostAsync("/v1/chat/completions", Request);
        using var promptCount = await gateway.Client.PostAsync("/utils/token_counter", Request);
        using var textCount = await gateway.Client.PostAsync("/utils/token_counter", """{"model":"mock-echo","text":"Hello world, how are you today?"}""");

        var usage = (await Json.ReadAsync(answer))["usage"]!;
        Assert.Equal((await Json.ReadAsync(promptCount))["total_tokens"]!.GetValue<int>(), usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal((await Json.ReadAsync(textCount))["total_tokens"]!.GetValue<int>(), usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(8, usage["completion_tokens"]!.GetValue<int>()); // o200k_base: Hello| world|,| how| are| you| today|?
    }
}
