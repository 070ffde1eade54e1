using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Routing.Selection;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>Code is recognised in a conversation's JSON by fences or patterns prose does not produce.</summary>
public sealed class CodeDetectorTests
{
    public static TheoryData<string, bool> Rows => new()
    {
        { "```\nanything\n```", true },
        { "def parse(line):\n    return line.split()", true },
        { "fn main() {\n    println!(\"hi\");\n}", true },
        { "function add(a, b) { return a + b; }", true },
        { "private async Task RunAsync() => await Task.Delay(1);", true },
        { "public class Order : Entity\n{", true },
        { "#include <stdio.h>", true },
        { "import numpy as np\nnp.zeros(3)", true },
        { "from collections import defaultdict", true },
        { "SELECT name FROM users WHERE id = 4", true },
        { "items.map(x => { return x * 2; })", true },
        { "x = compute(y);\nprint(x)", true },
        { "<div class=\"card\">hello</div>", true },
        { "What is the function of the liver (briefly)?", false },
        { "We import coffee from Brazil and export tea.", false },
        { "Please select the best option from the list where possible.", false },
        { "The public class of 2024 graduated; everyone cheered.", false },
        { "It serves the public interest (mostly).", false },
        { "Define the term and give an example (one sentence).", false },
        { "I think => this is better; see above.", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Code_is_told_from_prose(string content, bool isCode)
    {
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }).ToJsonString();

        Assert.Equal(isCode, CodeDetector.HasCode(Encoding.UTF8.GetBytes(messages)));
    }

    [Fact]
    public void Only_the_latest_part_of_a_very_long_conversation_is_scanned()
    {
        var early = new JsonObject { ["role"] = "user", ["content"] = "```\nold code\n```" };
        var filler = new JsonObject { ["role"] = "user", ["content"] = new string('x', CodeDetector.ScanBytes) };

        Assert.False(CodeDetector.HasCode(Encoding.UTF8.GetBytes(new JsonArray(early, filler).ToJsonString())));
        Assert.True(CodeDetector.HasCode(Encoding.UTF8.GetBytes(new JsonArray(filler.DeepClone(), early.DeepClone()).ToJsonString())));
    }
}
