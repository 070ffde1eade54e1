using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ServerlessGateway.Tokenization;
using ServerlessGateway.Tokenization.Chat;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>The chat framing rules, one at a time, on requests written here (recorded usage is RecordedUsageTests).</summary>
public sealed class ChatPromptCounterTests
{
    private static readonly TiktokenEncoding O200k = TiktokenEncoding.O200kBase;

    [Fact]
    public void Each_message_adds_three_tokens_plus_its_role_and_content_and_the_reply_adds_three()
    {
        var (tokens, estimate) = Count("""{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi there"}]}""");

        Assert.Equal(3 + T("system") + T("Be brief.") + 3 + T("user") + T("Hi there") + 3, tokens);
        Assert.False(estimate);
    }

    [Fact]
    public void A_name_adds_its_tokens_and_one_more()
    {
        var named = Count("""{"messages":[{"role":"user","name":"alice_2","content":"Hi"}]}""").Tokens;
        var plain = Count("""{"messages":[{"role":"user","content":"Hi"}]}""").Tokens;

        Assert.Equal(T("alice_2") + 1, named - plain);
    }

    [Fact]
    public void Text_parts_count_like_text_and_escapes_are_decoded_first()
    {
        var parts = Count("""{"messages":[{"content":[{"type":"text","text":"caf\u00e9 \ud83d\ude00"},{"text":" \"x\"\n","type":"text"}],"role":"user"}]}""").Tokens;

        Assert.Equal(3 + T("user") + T("café 😀") + T(" \"x\"\n") + 3, parts);
    }

    [Fact]
    public void An_escaped_lone_surrogate_counts_as_a_replacement_character()
    {
        var lone = Count("""{"messages":[{"role":"user","content":"a\ud83d b"}]}""").Tokens;

        Assert.Equal(3 + T("user") + T("a\uFFFD b") + 3, lone);
    }

    [Fact]
    public void Tools_are_rendered_as_a_typescript_namespace_with_a_header()
    {
        const string tools = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the weather.","parameters":{"type":"object",
              "properties":{"city":{"type":"string","description":"City name"},"units":{"type":"string","enum":["c","f"]},
                "days":{"type":"array","items":{"type":"integer"}},"where":{"type":"object","properties":{"lat":{"type":"number"}},"required":["lat"]}},
              "required":["city"]}}},
              {"type":"function","function":{"name":"ping"}}]
            """;
        const string rendered = """
            namespace functions {

            // Get the weather.
            type get_weather = (_: {
            // City name
            city: string,
            units?: "c" | "f",
            days?: number[],
            where?: {
              lat: number,
            },
            }) => any;

            type ping = () => any;

            } // namespace functions
            """;

        var withoutSystem = Count($$"""{"messages":[{"role":"user","content":"Hi"}],{{tools}}}""");
        var withSystem = Count($$"""{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Hi"}],{{tools}}}""");

        Assert.Equal(3 + T("user") + T("Hi") + 3 + ChatPromptCounter.ToolsWithoutSystemMessage + T(rendered), withoutSystem.Tokens);
        Assert.Equal(3 + T("system") + T("S") + 3 + T("user") + T("Hi") + 3 + T(ChatPromptCounter.ToolsHeader) + T(rendered), withSystem.Tokens);
        Assert.True(withoutSystem.IsEstimate);
    }

    [Fact]
    public void Tool_calls_and_their_results_are_framed_with_the_function_name()
    {
        var (tokens, _) = Count("""
            {"messages":[
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"found"},
              {"role":"tool","tool_call_id":"unknown","content":"lost"}]}
            """);

        var call = 3 + T("assistant to=functions.lookup") + T("{\"q\":\"x\"}");
        var result = 3 + T("functions.lookup to=assistant") + T("found");
        var orphan = 3 + T("tool") + T("lost");
        Assert.Equal(call + result + orphan + 3, tokens);
    }

    [Theory]
    [InlineData(1024, 1024, "high", 765)] // OpenAI's examples: scaled to 768x768, 4 tiles
    [InlineData(2048, 4096, "high", 1105)] // scaled to 768x1536, 6 tiles
    [InlineData(4096, 8192, "low", 85)]
    [InlineData(300, 200, "auto", 255)] // one tile; auto counts as high
    public void Images_cost_tiles_by_their_size_read_from_the_data_url(int width, int height, string detail, int imageTokens)
    {
        var withImage = Count(ImageRequest(Png(width, height), detail)).Tokens;
        var without = Count("""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}]}]}""").Tokens;

        Assert.Equal(imageTokens, withImage - without);
    }

    [Theory]
    [InlineData("gpt-4o-mini", 2833 + (5667 * 2))] // 512x1024: 2 tiles at gpt-4o-mini's rates
    [InlineData("gpt-4.1-mini", 830)] // 16x32 patches: 512 x 1.62, rounded up
    [InlineData("o1", 75 + (150 * 2))]
    public void Image_rates_depend_on_the_model(string model, int imageTokens)
    {
        var body = ImageRequest(Png(512, 1024), "high").Replace("gpt-4o", model, StringComparison.Ordinal);
        var withImage = ChatPromptCounter.Count(Encoding.UTF8.GetBytes(body), O200k, model).Tokens;
        var without = ChatPromptCounter.Count(Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}]}]}"""), O200k, model).Tokens;

        Assert.Equal(imageTokens, withImage - without);
    }

    [Fact]
    public void A_remote_image_is_counted_at_its_largest_possible_cost_and_marks_an_estimate()
    {
        var (tokens, estimate) = Count("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""");

        Assert.Equal(3 + T("user") + 85 + (170 * 8) + 3, tokens);
        Assert.True(estimate);
    }

    [Theory]
    [InlineData(1800, 2400, 1452)] // OpenAI's example for patch models
    [InlineData(1024, 1024, 1024)]
    [InlineData(4000, 1474, 1449)] // the formula OpenAI publishes (its own calculator agrees; users report 1536 billed)
    public void Patches_are_capped_by_scaling_the_image_down(int width, int height, int patches) =>
        Assert.Equal(patches, ImageCost.Patches(width, height));

    [Theory]
    [InlineData("""[1,2]""")]
    [InlineData("""{"model":"gpt-4o"}""")]
    [InlineData("""{"messages":{}}""")]
    [InlineData("""{"messages":[1]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]""")]
    public void A_body_that_is_not_a_chat_request_is_refused(string body) =>
        Assert.ThrowsAny<JsonException>(() => Count(body));

    [Fact]
    public void Unsized_parts_count_nothing_but_mark_the_count_an_estimate()
    {
        var (tokens, estimate) = Count("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""");

        Assert.Equal(3 + T("user") + 3, tokens);
        Assert.True(estimate);
    }

    private static int T(string text) => O200k.CountTokens(text);

    private static (int Tokens, bool IsEstimate) Count(string body) => ChatPromptCounter.Count(Encoding.UTF8.GetBytes(body), O200k, "gpt-4o");

    private static string ImageRequest(byte[] image, string detail) =>
        $$$"""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Convert.ToBase64String(image)}}}","detail":"{{{detail}}}"}}]}]}""";

    /// <summary>The start of a PNG: signature and IHDR with the size (enough for the size reader).</summary>
    private static byte[] Png(int width, int height)
    {
        var png = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(png, 0);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)height);
        return png;
    }
}
