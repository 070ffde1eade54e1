using System.IO.Compression;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Reads VCR.py cassettes (mirascope's recordings): each interaction's request body and the response's
/// status and body. A body is a YAML string, or !!binary base64 of gzip when the upstream compressed
/// it; the gateway asks for no compression, so the fake upstream serves the decompressed bytes.
/// </summary>
internal static class VcrCassette
{
    public sealed record Interaction(string RequestUri, string RequestBody, int Status, byte[] ResponseBody);

    public static IReadOnlyList<Interaction> Read(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path, Encoding.UTF8))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlSequenceNode)root["interactions"]).Children.Cast<YamlMappingNode>().Select(interaction =>
        {
            var request = (YamlMappingNode)interaction["request"];
            var response = (YamlMappingNode)interaction["response"];
            var status = int.Parse(Scalar(Child(response, "status", "code")).Value!, System.Globalization.CultureInfo.InvariantCulture);
            return new Interaction(
                Scalar(request["uri"]).Value ?? "",
                Scalar(request["body"]).Value ?? "",
                status,
                Body(Scalar(Child(response, "body", "string"))));
        }).ToList();
    }

    private static byte[] Body(YamlScalarNode node)
    {
        var value = node.Value ?? "";
        if (!node.Tag.IsEmpty && node.Tag.Value.EndsWith(":binary", StringComparison.Ordinal))
        {
            var bytes = Convert.FromBase64String(value);
            return bytes is [0x1f, 0x8b, ..] ? Gunzip(bytes) : bytes;
        }

        return Encoding.UTF8.GetBytes(value);
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static YamlNode Child(YamlMappingNode node, string first, string second) => ((YamlMappingNode)node[first])[second];

    private static YamlScalarNode Scalar(YamlNode node) => (YamlScalarNode)node;
}
