using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>
/// Golden request mapping: an OpenAI chat request sent to the gateway, and the generateContent body the
/// Gemini endpoint received (compared as JSON).
/// </summary>
public sealed class GeminiRequestMappingTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private async Task<System.Text.Json.Nodes.JsonObject> SendAsync(string request)
    {
        gemini.ServeJson(GeminiSamples.Answer(GeminiSamples.Text("ok")));
        using var response = await gemini.PostAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return gemini.LastGeminiBody;
    }

    [Fact]
    public async Task Roles_system_instruction_and_generation_config()
    {
        var body = await SendAsync("""
            {"model":"gemini","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":"Bonjour"},
              {"role":"user","content":[{"type":"text","text":"Capital of "},{"type":"text","text":"Italy?"}]}],
             "temperature":0.2,"top_p":0.9,"max_completion_tokens":300,"stop":"END","n":2,"seed":42,
             "presence_penalty":0.5,"frequency_penalty":-0.5,"user":"u-1","logit_bias":{"50256":-100},"parallel_tool_calls":false}
            """);

        JsonAssert.Equal("""
            {"contents":[
               {"role":"user","parts":[{"text":"Hi"}]},
               {"role":"model","parts":[{"text":"Bonjour"}]},
               {"role":"user","parts":[{"text":"Capital of "},{"text":"Italy?"}]}],
             "systemInstruction":{"parts":[{"text":"Be brief.\n\nAnswer in French."}]},
             "generationConfig":{"temperature":0.2,"topP":0.9,"presencePenalty":0.5,"frequencyPenalty":-0.5,"seed":42,
               "maxOutputTokens":300,"candidateCount":2,"stopSequences":["END"]}}
            """, body);
    }

    [Fact]
    public async Task Consecutive_turns_of_one_role_are_merged_and_empty_assistant_messages_dropped()
    {
        var body = await SendAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},
              {"role":"assistant","content":""},{"role":"user","content":"c"}],"max_tokens":5,"stop":["x","y"]}
            """);

        JsonAssert.Equal("""
            {"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"},{"text":"c"}]}],
             "generationConfig":{"maxOutputTokens":5,"stopSequences":["x","y"]}}
            """, body);
    }

    [Fact]
    public async Task Images_audio_and_files_become_inline_data_or_file_data()
    {
        var body = await SendAsync("""
            {"model":"gemini","messages":[{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo+/=","detail":"high"}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.WEBP?size=2"}},
              {"type":"image_url","image_url":{"url":"https://cdn.example.com/image/12345"}},
              {"type":"image_url","image_url":{"url":"gs://bucket/report.pdf"}},
              {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
              {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}
            """);

        JsonAssert.Equal("""
            {"contents":[{"role":"user","parts":[
               {"text":"What is this?"},
               {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo+/="}},
               {"fileData":{"mimeType":"image/webp","fileUri":"https://example.com/cat.WEBP?size=2"}},
               {"fileData":{"mimeType":"image/jpeg","fileUri":"https://cdn.example.com/image/12345"}},
               {"fileData":{"mimeType":"application/pdf","fileUri":"gs://bucket/report.pdf"}},
               {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
               {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]}],
             "generationConfig":{}}
            """, body);
    }

    private const string Tools = """
        "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false},"strict":true}},
         {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]
        """;

    private const string Declarations = """
        "tools":[{"functionDeclarations":[
           {"name":"get_weather","description":"Weather for a city","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}},
           {"name":"now"}]}]
        """;

    [Theory]
    [InlineData("\"auto\"", """{"functionCallingConfig":{"mode":"AUTO"}}""")]
    [InlineData("\"none\"", """{"functionCallingConfig":{"mode":"NONE"}}""")]
    [InlineData("\"required\"", """{"functionCallingConfig":{"mode":"ANY"}}""")]
    [InlineData("""{"type":"function","function":{"name":"now"}}""", """{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["now"]}}""")]
    [InlineData("""{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"now"}}]}}""", """{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["now"]}}""")]
    public async Task Tools_become_function_declarations_and_tool_choice_the_calling_mode(string toolChoice, string toolConfig)
    {
        var body = await SendAsync("""{"model":"gemini","messages":[{"role":"user","content":"Weather?"}],«Tools»,"tool_choice":«toolChoice»}""".Replace("«toolChoice»", toolChoice, StringComparison.Ordinal).Replace("«Tools»", Tools, StringComparison.Ordinal));

        JsonAssert.Equal("""{"contents":[{"role":"user","parts":[{"text":"Weather?"}]}],«Declarations»,"toolConfig":«toolConfig»,"generationConfig":{}}""".Replace("«Declarations»", Declarations, StringComparison.Ordinal).Replace("«toolConfig»", toolConfig, StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task Allowed_tools_in_auto_mode_declare_only_those_functions()
    {
        var body = await SendAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"Weather?"}],«Tools»,
             "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"get_weather"}}]}}}
            """.Replace("«Tools»", Tools, StringComparison.Ordinal));

        Assert.Equal("AUTO", body["toolConfig"]!["functionCallingConfig"]!["mode"]!.GetValue<string>());
        Assert.Null(body["toolConfig"]!["functionCallingConfig"]!["allowedFunctionNames"]);
        Assert.Equal(["get_weather"], body["tools"]![0]!["functionDeclarations"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_tool_round_trip_replays_calls_with_their_signature_and_answers_them_by_name()
    {
        var body = await SendAsync("""
            {"model":"gemini","messages":[
              {"role":"user","content":"Weather in Paris and Rome, and the time?"},
              {"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_a__sig_«GeminiSamples.SignatureInId»","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}},
                 {"id":"call_c","type":"function","function":{"name":"now","arguments":""}}]},
              {"role":"tool","tool_call_id":"call_b","content":"{\"temp\":21}"},
              {"role":"tool","tool_call_id":"call_a__sig_«GeminiSamples.SignatureInId»","content":"18 degrees"},
              {"role":"tool","tool_call_id":"call_c","content":[{"type":"text","text":"12:00"}]},
              {"role":"assistant","content":"Paris 18, Rome 21, noon."},
              {"role":"user","content":"Thanks"}],«Tools»}
            """.Replace("«Tools»", Tools, StringComparison.Ordinal).Replace("«GeminiSamples.SignatureInId»", GeminiSamples.SignatureInId, StringComparison.Ordinal));

        JsonAssert.Equal("""
            {"contents":[
               {"role":"user","parts":[{"text":"Weather in Paris and Rome, and the time?"}]},
               {"role":"model","parts":[
                  {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"«GeminiSamples.SignatureInId»"},
                  {"functionCall":{"name":"get_weather","args":{"city":"Rome"}}},
                  {"functionCall":{"name":"now","args":{}}}]},
               {"role":"user","parts":[
                  {"functionResponse":{"name":"get_weather","response":{"temp":21}}},
                  {"functionResponse":{"name":"get_weather","response":{"output":"18 degrees"}}},
                  {"functionResponse":{"name":"now","response":{"output":"12:00"}}}]},
               {"role":"model","parts":[{"text":"Paris 18, Rome 21, noon."}]},
               {"role":"user","parts":[{"text":"Thanks"}]}],
             «Declarations»,"generationConfig":{}}
            """.Replace("«GeminiSamples.SignatureInId»", GeminiSamples.SignatureInId, StringComparison.Ordinal).Replace("«Declarations»", Declarations, StringComparison.Ordinal), body);
    }

    [Theory]
    [InlineData("gemini-3", "skip_thought_signature_validator")]
    [InlineData("gemini", null)]
    public async Task A_replayed_call_without_signature_gets_Googles_stand_in_where_the_model_requires_one(string model, string? expected)
    {
        var body = await SendAsync("""
            {"model":"«model»","messages":[{"role":"user","content":"Time?"},
              {"role":"assistant","tool_calls":[{"id":"call_from_another_model","type":"function","function":{"name":"now","arguments":"{}"}},
                                              {"id":"call_2","type":"function","function":{"name":"now","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_from_another_model","content":"noon"},
              {"role":"tool","tool_call_id":"call_2","content":"noon"}],«Tools»}
            """.Replace("«Tools»", Tools, StringComparison.Ordinal).Replace("«model»", model, StringComparison.Ordinal));

        var parts = body["contents"]![1]!["parts"]!.AsArray();
        Assert.Equal(expected, parts[0]!["thoughtSignature"]?.GetValue<string>());
        Assert.Null(parts[1]!["thoughtSignature"]); // one signature per turn, on its first call
    }

    [Fact]
    public async Task Json_mode_and_json_schema_become_the_response_mime_type_and_an_OpenAPI_subset_schema()
    {
        var jsonMode = await SendAsync("""{"model":"gemini","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""");
        JsonAssert.Equal("""{"responseMimeType":"application/json"}""", jsonMode["generationConfig"]);

        var schema = await SendAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{
              "$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,
              "properties":{
                "name":{"type":"string","minLength":1,"format":"email","description":"Full name"},
                "born":{"type":["string","null"],"format":"date-time"},
                "kind":{"const":"human"},
                "size":{"enum":[1,2,3],"type":"integer"},
                "home":{"anyOf":[{"$ref":"#/$defs/address"},{"type":"null"}]},
                "tags":{"type":"array","items":{"type":"string"},"maxItems":3,"uniqueItems":true},
                "id":{"oneOf":[{"type":"string"},{"type":"integer"}]},
                "extra":{"allOf":[{"$ref":"#/$defs/address"}],"description":"Another address"}},
              "required":["name","born"],
              "$defs":{"address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}}}
            """);

        JsonAssert.Equal("""
            {"responseMimeType":"application/json","responseSchema":{"type":"OBJECT",
              "properties":{
                "name":{"type":"STRING","description":"Full name","minLength":1},
                "born":{"type":"STRING","nullable":true,"format":"date-time"},
                "kind":{"type":"STRING","enum":["human"]},
                "size":{"type":"INTEGER"},
                "home":{"type":"OBJECT","nullable":true,"properties":{"city":{"type":"STRING"}},"required":["city"]},
                "tags":{"type":"ARRAY","maxItems":3,"items":{"type":"STRING"}},
                "id":{"anyOf":[{"type":"STRING"},{"type":"INTEGER"}]},
                "extra":{"type":"OBJECT","description":"Another address","properties":{"city":{"type":"STRING"}},"required":["city"]}},
              "required":["name","born"]}}
            """, schema["generationConfig"]);
    }

    [Theory]
    [InlineData("gemini", "low", """{"thinkingBudget":1024}""")]
    [InlineData("gemini", "none", """{"thinkingBudget":0}""")]
    [InlineData("gemini-2.5-pro", "none", """{"thinkingBudget":128}""")]
    [InlineData("gemini-2.5-pro", "high", """{"thinkingBudget":24576}""")]
    [InlineData("gemini-3", "medium", """{"thinkingLevel":"high"}""")]
    [InlineData("gemini-3", "minimal", """{"thinkingLevel":"low"}""")]
    [InlineData("gemini-3-flash", "minimal", """{"thinkingLevel":"minimal"}""")]
    [InlineData("gemini-3-flash", "medium", """{"thinkingLevel":"medium"}""")]
    [InlineData("gemini-2.0", "high", null)]
    public async Task Reasoning_effort_becomes_the_thinking_config_the_model_generation_takes(string model, string effort, string? expected)
    {
        var body = await SendAsync("""{"model":"«model»","messages":[{"role":"user","content":"x"}],"reasoning_effort":"«effort»"}""".Replace("«model»", model, StringComparison.Ordinal).Replace("«effort»", effort, StringComparison.Ordinal));

        if (expected is null)
        {
            Assert.Null(body["generationConfig"]!["thinkingConfig"]);
        }
        else
        {
            JsonAssert.Equal(expected, body["generationConfig"]!["thinkingConfig"]);
        }
    }
}
