using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Tests.Providers.Streaming;

/// <summary>What the relay writes, read back by the parser, is what it read.</summary>
public sealed class SseWriterTests
{
    [Theory]
    [InlineData("{\"a\":1}", "data: {\"a\":1}\n\n")]
    [InlineData("", "data: \n\n")]
    [InlineData("a\nb", "data: a\ndata: b\n\n")]
    [InlineData("{\"choices\":[],\n\"usage\":{}}\n", "data: {\"choices\":[],\ndata: \"usage\":{}}\ndata: \n\n")]
    public async Task Multi_line_data_is_written_as_one_data_line_each(string data, string expected)
    {
        Assert.Equal(expected, await WriteAsync(writer => SseWriter.WriteData(writer, Encoding.UTF8.GetBytes(data).AsSpan())));
        Assert.Equal(expected, await WriteAsync(writer => SseWriter.WriteData(writer, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(data)))));
    }

    [Theory]
    [InlineData("data: x\ndata: y\n\n")]
    [InlineData("data: {\"choices\":[],\ndata: \"usage\":{\"prompt_tokens\":1}}\n\n")]
    [InlineData("data:a\r\ndata:\r\ndata:b\r\n\r\n")]
    public async Task Relayed_events_parse_back_to_the_same_data(string upstream)
    {
        var parser = new SseParser();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(upstream));
        Assert.True(parser.TryReadEvent(ref buffer, out var original));
        var data = original.Data.ToArray();

        var relayed = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(await WriteAsync(writer => SseWriter.WriteData(writer, new ReadOnlySequence<byte>(data)))));

        Assert.True(new SseParser().TryReadEvent(ref relayed, out var reread));
        Assert.Equal(data, reread.Data.ToArray());
        Assert.True(relayed.IsEmpty);
    }

    [Fact]
    public async Task Named_events_carry_an_event_line_and_parse_back_to_their_name_and_data()
    {
        var written = await WriteAsync(writer =>
        {
            SseWriter.WriteEvent(writer, "message_stop"u8, "{\"type\":\"message_stop\"}"u8);
            SseWriter.WriteEvent(writer, "content_block_delta", new ReadOnlySequence<byte>("a\nb"u8.ToArray()));
        });

        Assert.Equal("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\nevent: content_block_delta\ndata: a\ndata: b\n\n", written);
        var parser = new SseParser();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(written));
        Assert.True(parser.TryReadEvent(ref buffer, out var first));
        Assert.Equal("message_stop", first.EventType);
        Assert.True(parser.TryReadEvent(ref buffer, out var second));
        Assert.Equal("content_block_delta", second.EventType);
        Assert.Equal("a\nb", Encoding.UTF8.GetString(second.Data.ToArray()));
    }

    private static async Task<string> WriteAsync(Action<PipeWriter> write)
    {
        var pipe = new Pipe();
        write(pipe.Writer);
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
        pipe.Reader.AdvanceTo(result.Buffer.End);
        await pipe.Reader.CompleteAsync();
        return text;
    }
}
