using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>The official OpenAI .NET SDK against a Gemini-backed model on the fake Gemini endpoint.</summary>
public sealed class GeminiSdkTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private ChatClient Client(string model = "gemini") =>
        new(model, new ApiKeyCredential(GatewayHost.Key), new OpenAIClientOptions { Endpoint = new Uri(gemini.Gateway.BaseUrl + "/v1") });

    [Fact]
    public async Task Chat()
    {
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("Rome."), usage: GeminiSamples.Usage(prompt: 9, candidates: 2, thoughts: 20, cached: 4)));

        ChatCompletion completion = await Client().CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Capital of Italy?")]);

        Assert.Equal("Rome.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gemini-2.5-flash", completion.Model);
        Assert.Equal(9, completion.Usage.InputTokenCount);
        Assert.Equal(22, completion.Usage.OutputTokenCount);
        Assert.Equal(4, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(20, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal("Be brief.", gemini.LastGeminiBody["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming()
    {
        gemini.ServeSse(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("one")),
            GeminiSamples.Event(GeminiSamples.Text(" two")),
            GeminiSamples.Event(GeminiSamples.Text(" three"), "STOP", GeminiSamples.Usage(5, 3))));

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("count")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("one two three", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(8, usage?.TotalTokenCount); // the SDK asks for stream usage; the gateway sends it
    }

    [Fact]
    public async Task Tool_round_trip()
    {
        var client = Client("gemini-3");
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Call("get_weather", """{"city":"Paris"}""", GeminiSamples.Signature)));
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];
        var options = new ChatCompletionOptions { Tools = { Weather } };

        ChatCompletion call = await client.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("get_weather", toolCall.FunctionName);
        Assert.Equal("Paris", JsonNode.Parse(toolCall.FunctionArguments.ToString())!["city"]!.GetValue<string>());

        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("Sunny, 24 degrees.")));
        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, """{"sky":"sunny","temp":24}"""));
        ChatCompletion answer = await client.CompleteChatAsync(messages, options);

        Assert.Equal("Sunny, 24 degrees.", answer.Content[0].Text);
        AssertReplayed(gemini.LastGeminiBody);
    }

    [Fact]
    public async Task Streamed_tool_round_trip()
    {
        var client = Client("gemini-3");
        gemini.ServeSse(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Call("get_weather", """{"city":"Paris"}""", GeminiSamples.Signature)),
            GeminiSamples.Event(GeminiSamples.Text(""), "STOP")));
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];
        var options = new ChatCompletionOptions { Tools = { Weather } };

        string? id = null, name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var piece in update.ToolCallUpdates)
            {
                id ??= piece.ToolCallId;
                name ??= piece.FunctionName;
                arguments.Append(piece.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("get_weather", name);
        Assert.Equal("""{"city":"Paris"}""", arguments.ToString());

        gemini.ServeSse(GeminiSamples.Sse(GeminiSamples.Event(GeminiSamples.Text("Sunny."), "STOP")));
        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(id!, name!, BinaryData.FromString(arguments.ToString()))]));
        messages.Add(new ToolChatMessage(id!, """{"sky":"sunny","temp":24}"""));
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Equal("Sunny.", text.ToString());
        AssertReplayed(gemini.LastGeminiBody);
    }

    [Fact]
    public async Task A_Gemini_quota_error_surfaces_as_a_429_in_the_sdk()
    {
        gemini.Serve(context => Respond.Json(context, StatusCodes.Status429TooManyRequests, GeminiSamples.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for this minute.")));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client().CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(429, error.Status);
        Assert.Contains("Quota exceeded for this minute.", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The second turn carried the call back with its thought signature and the result under the call's name.</summary>
    private static void AssertReplayed(JsonObject body)
    {
        var contents = body["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        JsonAssert.Equal("""{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"SIG"}""".Replace("SIG", GeminiSamples.SignatureInId, StringComparison.Ordinal), contents[1]!["parts"]![0]);
        JsonAssert.Equal("""{"functionResponse":{"name":"get_weather","response":{"sky":"sunny","temp":24}}}""", contents[2]!["parts"]![0]);
    }
}
