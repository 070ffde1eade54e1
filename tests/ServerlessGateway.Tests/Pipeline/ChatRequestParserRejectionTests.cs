using System.Text;
using static ServerlessGateway.Tests.Pipeline.Parsing;

namespace ServerlessGateway.Tests.Pipeline;

/// <summary>Chat bodies the parser refuses, each with the OpenAI-style code and param that say why.</summary>
public sealed class ChatRequestParserRejectionTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static string Body(string extra = "") => "{\"model\":\"gpt-4o\"," + Messages + extra + "}";

    private static string WithMessages(string messages) => "{\"model\":\"m\",\"messages\":" + messages + "}";

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("{}", "model")]
    public void Missing_required_fields(string json, string param)
    {
        Refused(Chat(json), "missing_required_parameter", param);
    }

    [Theory]
    [InlineData(""","model":5""", "model")]
    [InlineData(""","model":null""", "model")]
    [InlineData(""","model":["gpt-4o"]""", "model")]
    [InlineData(",\"stream\":\"true\"", "stream")]
    [InlineData(""","stream":1""", "stream")]
    [InlineData(",\"stream_options\":\"on\"", "stream_options")]
    [InlineData(""","stream_options":[]""", "stream_options")]
    [InlineData(""","stream_options":{"include_usage":"yes"}""", "stream_options.include_usage")]
    [InlineData(""","stream_options":{"include_usage":1}""", "stream_options.include_usage")]
    [InlineData(",\"max_tokens\":\"100\"", "max_tokens")]
    [InlineData(""","max_tokens":1.5""", "max_tokens")]
    [InlineData(""","max_tokens":true""", "max_tokens")]
    [InlineData(""","max_completion_tokens":{}""", "max_completion_tokens")]
    [InlineData(",\"n\":\"2\"", "n")]
    [InlineData(""","n":2.5""", "n")]
    [InlineData(",\"temperature\":\"0.5\"", "temperature")]
    [InlineData(""","temperature":false""", "temperature")]
    [InlineData(""","top_p":[1]""", "top_p")]
    [InlineData(""","tools":{}""", "tools")]
    [InlineData(",\"tools\":\"get_weather\"", "tools")]
    [InlineData(""","tools":[1]""", "tools[0]")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"a"}},"b"]""", "tools[1]")]
    [InlineData(""","tool_choice":5""", "tool_choice")]
    [InlineData(""","tool_choice":["required"]""", "tool_choice")]
    public void Wrong_types_of_root_fields(string extra, string param)
    {
        // The wrong value comes first, so a duplicate check cannot be what refuses it.
        var json = "{" + extra[1..] + ",\"model\":\"m\"," + Messages + "}";
        if (param == "model")
        {
            json = "{" + extra[1..] + "," + Messages + "}";
        }

        Refused(Chat(json), "invalid_type", param);
    }

    [Theory]
    [InlineData("{}", "messages")]
    [InlineData("\"hi\"", "messages")]
    [InlineData("null", "messages")]
    [InlineData("[1]", "messages[0]")]
    [InlineData("""[{"role":"user","content":"a"},"b"]""", "messages[1]")]
    [InlineData("""[{"role":5,"content":"a"}]""", "messages[0].role")]
    [InlineData("""[{"role":null,"content":"a"}]""", "messages[0].role")]
    [InlineData("""[{"role":"user","content":5}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":{"type":"text"}}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":true}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":["hi"]}]""", "messages[0].content[0]")]
    [InlineData("""[{"role":"user","content":[{"type":"text","text":"a"},[]]}]""", "messages[0].content[1]")]
    [InlineData("""[{"role":"user","content":[{"type":1,"text":"a"}]}]""", "messages[0].content[0].type")]
    public void Wrong_types_in_messages(string messages, string param)
    {
        Refused(Chat(WithMessages(messages)), "invalid_type", param);
    }

    [Fact]
    public void Empty_messages()
    {
        Refused(Chat(WithMessages("[]")), "invalid_value", "messages");
    }

    [Theory]
    [InlineData("""[{"content":"hi"}]""", "missing_required_parameter", "messages[0].role")]
    [InlineData("""[{"role":"user","content":"a"},{}]""", "missing_required_parameter", "messages[1].role")]
    [InlineData("""[{"role":"human","content":"hi"}]""", "invalid_value", "messages[0].role")]
    [InlineData("""[{"role":"User","content":"hi"}]""", "invalid_value", "messages[0].role")]
    [InlineData("""[{"role":"","content":"hi"}]""", "invalid_value", "messages[0].role")]
    [InlineData("""[{"role":"user"}]""", "missing_required_parameter", "messages[0].content")]
    [InlineData("""[{"role":"user","content":null}]""", "missing_required_parameter", "messages[0].content")]
    [InlineData("""[{"role":"system"}]""", "missing_required_parameter", "messages[0].content")]
    [InlineData("""[{"role":"tool","tool_call_id":"c"}]""", "missing_required_parameter", "messages[0].content")]
    [InlineData("""[{"role":"user","content":[{"text":"hi"}]}]""", "missing_required_parameter", "messages[0].content[0].type")]
    [InlineData("""[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"a"},{}]}]""", "missing_required_parameter", "messages[1].content[1].type")]
    public void Invalid_messages(string messages, string code, string param)
    {
        Refused(Chat(WithMessages(messages)), code, param);
    }

    [Theory]
    [InlineData("""{"model":"a","model":"b","messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi"}],"mod\u0065l":"b"}""", "model")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi"}],"\u006d\u006f\u0064\u0065\u006c":"a"}""", "model")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi"}],"model":null}""", "model")]
    [InlineData("""{"model":"a","stream":false,"messages":[{"role":"user","content":"hi"}],"stream":true}""", "stream")]
    [InlineData("""{"model":"a","stream":null,"messages":[{"role":"user","content":"hi"}],"stre\u0061m":true}""", "stream")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi"}],"messages":[{"role":"user","content":"other"}]}""", "messages")]
    [InlineData("""{"model":"a","stream":true,"stream_options":null,"messages":[{"role":"user","content":"hi"}],"stream_options":{}}""", "stream_options")]
    [InlineData("""{"model":"a","stream":true,"stream_options":{"include_usage":false,"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", "stream_options.include_usage")]
    [InlineData("""{"model":"a","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"max_tokens":null}""", "max_tokens")]
    [InlineData("""{"model":"a","n":1,"messages":[{"role":"user","content":"hi"}],"n":5}""", "n")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi"}],"tool_choice":"none","tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"a","messages":[{"role":"user","role":"system","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"hi","content":"other"}]}""", "messages[0].content")]
    public void Duplicate_keys_are_refused_so_gateway_and_upstream_cannot_read_different_values(string json, string param)
    {
        Refused(Chat(json), "duplicate_parameter", param);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("{}")]
    [InlineData(" {\"model\":\"m\"}")]
    [InlineData("[]")]
    [InlineData(",")]
    [InlineData("\u0000")]
    [InlineData("// comment")]
    public void Trailing_content_after_the_root_object(string trailer)
    {
        Refused(Chat(Body() + trailer), "invalid_json");
    }

    [Fact]
    public void Trailing_whitespace_is_fine()
    {
        Valid(Chat(Body() + " \r\n\t "));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("[{\"model\":\"m\"}]")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{\"model\":\"m\",")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")]
    [InlineData("{\"model\":'m'}")]
    [InlineData("{model:\"m\"}")]
    [InlineData("{\"model\":\"m\" /* c */," + Messages + "}")]
    [InlineData("{\"model\":\"m\"," + Messages + ",}")]
    [InlineData("{\"model\":\"a\nb\",\"messages\":[]}")]
    public void Not_a_json_object(string json)
    {
        Refused(Chat(json), "invalid_json");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong "/"
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate
    [InlineData(new byte[] { 0xE6, 0xA8 })] // truncated sequence
    [InlineData(new byte[] { 0x80 })] // lone continuation byte
    public void Invalid_utf8_anywhere_in_the_body(byte[] bad)
    {
        var json = Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a__b\"}],\"user\":\"x\"}");
        var at = Array.IndexOf(json, (byte)'_');
        var body = json[..at].Concat(bad).Concat(json[(at + 2)..]).ToArray();

        Refused(Chat(body), "invalid_encoding");
    }

    [Theory]
    [InlineData("{\"model\":\"\\ud800\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"\\udc00\",\"content\":\"hi\"}]}")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\\ud800x\"}}]}")]
    public void Unpaired_surrogate_escapes_in_fields_the_gateway_reads_are_refused(string json)
    {
        Refused(Chat(json), "invalid_json");
    }

    [Fact]
    public void Unpaired_surrogate_escapes_in_text_the_gateway_only_forwards_pass_through()
    {
        Valid(Chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}"));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        Refused(Chat(Body(",\"x\":" + Nested(MaxDepth))), "invalid_json");
    }

    [Fact]
    public void Deep_nesting_inside_messages_is_refused()
    {
        Refused(Chat(WithMessages("[{\"role\":\"user\",\"content\":\"hi\",\"x\":" + Nested(10_000) + "}]")), "invalid_json");
    }

    [Theory]
    [InlineData(",\"temperature\":-0.1", "temperature")]
    [InlineData(",\"temperature\":2.0001", "temperature")]
    [InlineData(",\"temperature\":1e400", "temperature")]
    [InlineData(",\"temperature\":-1e400", "temperature")]
    [InlineData(",\"top_p\":-1", "top_p")]
    [InlineData(",\"top_p\":1.01", "top_p")]
    [InlineData(",\"top_p\":1e309", "top_p")]
    [InlineData(",\"n\":0", "n")]
    [InlineData(",\"n\":-1", "n")]
    [InlineData(",\"n\":129", "n")]
    [InlineData(",\"max_tokens\":0", "max_tokens")]
    [InlineData(",\"max_tokens\":-5", "max_tokens")]
    [InlineData(",\"max_completion_tokens\":2147483648", "max_completion_tokens")]
    [InlineData(",\"max_completion_tokens\":99999999999999999999", "max_completion_tokens")]
    public void Values_out_of_range(string extra, string param)
    {
        Refused(Chat(Body(extra)), "invalid_value", param);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("\"\\t\"")]
    public void Blank_model(string model)
    {
        Refused(Chat("{\"model\":" + model + "," + Messages + "}"), "invalid_value", "model");
    }

    [Fact]
    public void Model_name_longer_than_256_characters()
    {
        Valid(Chat("{\"model\":\"" + new string('m', 256) + "\"," + Messages + "}"));
        Refused(Chat("{\"model\":\"" + new string('m', 257) + "\"," + Messages + "}"), "invalid_value", "model");
    }
}
