using static ServerlessGateway.Tests.Pipeline.Parsing;

namespace ServerlessGateway.Tests.Pipeline;

public sealed class EmbeddingsRequestParserTests
{
    private static string Body(string input, string extra = "") => "{\"model\":\"text-embedding-3-small\",\"input\":" + input + extra + "}";

    [Theory]
    [InlineData("\"hello\"")]
    [InlineData("\"h\\u00e9llo \\\"quoted\\\"\"")]
    [InlineData("[\"a\",\"b\",\"c\"]")]
    [InlineData("[1, 2, 3]")]
    [InlineData("[0]")]
    [InlineData("[2147483647]")]
    [InlineData("[[1,2],[3],[4,5,6]]")]
    [InlineData("[ [ 1 ] ]")]
    public void Valid_inputs_are_kept_as_raw_json(string input)
    {
        var json = Body(input);
        var request = Valid(Embeddings(json));

        Assert.Equal("text-embedding-3-small", request.Model);
        Assert.Equal("\"text-embedding-3-small\"", Text(json, request.ModelToken));
        Assert.Equal(input, Text(json, request.Input));
        Assert.False(request.Base64);
        Assert.Null(request.Dimensions);
    }

    [Fact]
    public void Input_before_model_and_unknown_fields_around_it()
    {
        const string json = """{"user":"u","input":["x"],"extra":{"input":1},"model":"e"}""";
        var request = Valid(Embeddings(json));

        Assert.Equal("e", request.Model);
        Assert.Equal("[\"x\"]", Text(json, request.Input));
    }

    [Theory]
    [InlineData("\"\"", "input")]
    [InlineData("[]", "input")]
    [InlineData("[\"a\",\"\"]", "input[1]")]
    [InlineData("[[1],[]]", "input[1]")]
    [InlineData("[-1]", "input[0]")]
    [InlineData("[1.5]", "input[0]")]
    [InlineData("[2147483648]", "input[0]")]
    [InlineData("[[1,-2]]", "input[0][1]")]
    [InlineData("[[1e3]]", "input[0][0]")]
    public void Empty_inputs_and_bad_token_ids(string input, string param)
    {
        Refused(Embeddings(Body(input)), "invalid_value", param);
    }

    [Theory]
    [InlineData("5", "input")]
    [InlineData("null", "input")]
    [InlineData("true", "input")]
    [InlineData("{\"text\":\"a\"}", "input")]
    [InlineData("[null]", "input[0]")]
    [InlineData("[{}]", "input[0]")]
    [InlineData("[\"a\",1]", "input[1]")]
    [InlineData("[1,\"a\"]", "input[1]")]
    [InlineData("[[1],2]", "input[1]")]
    [InlineData("[\"a\",[1]]", "input[1]")]
    [InlineData("[[1,\"a\"]]", "input[0][1]")]
    [InlineData("[[[1]]]", "input[0][0]")]
    public void Wrong_input_types(string input, string param)
    {
        Refused(Embeddings(Body(input)), "invalid_type", param);
    }

    [Theory]
    [InlineData(",\"encoding_format\":\"float\"", false)]
    [InlineData(",\"encoding_format\":\"base64\"", true)]
    [InlineData(",\"encoding_format\":\"bas\\u0065\\u0036\\u0034\"", true)]
    [InlineData(",\"encoding_format\":null", false)]
    public void Encoding_format(string extra, bool base64)
    {
        Assert.Equal(base64, Valid(Embeddings(Body("\"a\"", extra))).Base64);
    }

    [Theory]
    [InlineData(",\"encoding_format\":\"binary\"", "invalid_value")]
    [InlineData(",\"encoding_format\":\"Base64\"", "invalid_value")]
    [InlineData(",\"encoding_format\":\"\"", "invalid_value")]
    [InlineData(",\"encoding_format\":1", "invalid_type")]
    [InlineData(",\"encoding_format\":[\"float\"]", "invalid_type")]
    public void Bad_encoding_format(string extra, string code)
    {
        Refused(Embeddings(Body("\"a\"", extra)), code, "encoding_format");
    }

    [Theory]
    [InlineData(",\"dimensions\":1", 1)]
    [InlineData(",\"dimensions\":256", 256)]
    [InlineData(",\"dimensions\":65536", 65536)]
    [InlineData(",\"dimensions\":null", null)]
    public void Dimensions(string extra, int? expected)
    {
        Assert.Equal(expected, Valid(Embeddings(Body("\"a\"", extra))).Dimensions);
    }

    [Theory]
    [InlineData(",\"dimensions\":0", "invalid_value")]
    [InlineData(",\"dimensions\":-3", "invalid_value")]
    [InlineData(",\"dimensions\":65537", "invalid_value")]
    [InlineData(",\"dimensions\":12.5", "invalid_type")]
    [InlineData(",\"dimensions\":\"256\"", "invalid_type")]
    public void Bad_dimensions(string extra, string code)
    {
        Refused(Embeddings(Body("\"a\"", extra)), code, "dimensions");
    }

    [Theory]
    [InlineData("{\"input\":\"a\"}", "missing_required_parameter", "model")]
    [InlineData("{\"model\":\"e\"}", "missing_required_parameter", "input")]
    [InlineData("{\"model\":5,\"input\":\"a\"}", "invalid_type", "model")]
    [InlineData("{\"model\":\"\",\"input\":\"a\"}", "invalid_value", "model")]
    [InlineData("{\"model\":\"a\",\"input\":\"a\",\"model\":\"b\"}", "duplicate_parameter", "model")]
    [InlineData("{\"model\":\"a\",\"input\":\"a\",\"m\\u006fdel\":\"b\"}", "duplicate_parameter", "model")]
    [InlineData("{\"model\":\"a\",\"input\":\"a\",\"input\":[\"b\"]}", "duplicate_parameter", "input")]
    [InlineData("{\"model\":\"a\",\"input\":\"a\",\"dimensions\":8,\"dimensions\":null}", "duplicate_parameter", "dimensions")]
    [InlineData("{\"model\":\"a\",\"input\":\"a\",\"encoding_format\":\"base64\",\"encoding_format\":\"float\"}", "duplicate_parameter", "encoding_format")]
    public void Missing_wrong_and_duplicate_fields(string json, string code, string param)
    {
        Refused(Embeddings(json), code, param);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"a\"")]
    [InlineData("{\"model\":\"e\",\"input\":\"a\"} x")]
    [InlineData("{\"model\":\"e\",\"input\":\"a\"")]
    [InlineData("{\"model\":\"e\",\"input\":[\"a\",]}")]
    public void Malformed_json(string json)
    {
        Refused(Embeddings(json), "invalid_json");
    }

    [Fact]
    public void Nesting_beyond_the_limit()
    {
        Valid(Embeddings(Body("\"a\"", ",\"x\":" + Nested(MaxDepth - 1))));
        Refused(Embeddings(Body("\"a\"", ",\"x\":" + Nested(MaxDepth))), "invalid_json");
    }

    [Fact]
    public void Invalid_utf8()
    {
        var body = "{\"model\":\"e\",\"input\":\"a\"}"u8.ToArray();
        body[body.Length - 3] = 0xFE;

        Refused(Embeddings(body), "invalid_encoding");
    }
}
