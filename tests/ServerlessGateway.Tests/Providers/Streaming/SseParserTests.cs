using System.Buffers;
using System.Text;
using ServerlessGateway.Providers.Streaming;
using static ServerlessGateway.Tests.Infrastructure.Sequences;

namespace ServerlessGateway.Tests.Providers.Streaming;

public sealed class SseParserTests
{
    /// <summary>An event as a test sees it: data copied out (the parser's buffers are reused) and its type.</summary>
    private sealed record Parsed(string Data, string? Type, bool IsDone);

    private const string OpenAIStream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}\r\n\r\n" +
        ": keep-alive\r\n\r\n" +
        "event: message\r\ndata: {\"choices\":[],\r\ndata: \"usage\":{\"prompt_tokens\":1}}\r\n\r\n" +
        "data: [DONE]\r\n\r\n";

    private static readonly Parsed[] OpenAIStreamEvents =
    [
        new("{\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}", null, false),
        new("{\"choices\":[],\n\"usage\":{\"prompt_tokens\":1}}", "message", false),
        new("[DONE]", null, true),
    ];

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Every_line_ending(string eol)
    {
        var text = OpenAIStream.Replace("\r\n", eol, StringComparison.Ordinal);

        // A stream that ends with \r must see one more byte before the last blank line is certain.
        Assert.Equal(OpenAIStreamEvents, ReadAll(Split(Encoding.UTF8.GetBytes(text + (eol == "\r" ? "x" : "")))));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void An_event_split_at_every_byte_boundary_into_two_segments(string eol)
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAIStream.Replace("\r\n", eol, StringComparison.Ordinal) + "\n");
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(OpenAIStreamEvents, ReadAll(Split(bytes, cut)));
        }
    }

    [Fact]
    public void Every_byte_in_its_own_segment()
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAIStream);

        Assert.Equal(OpenAIStreamEvents, ReadAll(Split(bytes, [.. Enumerable.Range(1, bytes.Length - 1)])));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Bytes_arriving_one_read_at_a_time_at_every_boundary(string eol)
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAIStream.Replace("\r\n", eol, StringComparison.Ordinal) + "\n");
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(OpenAIStreamEvents, Feed(bytes[..cut], bytes[cut..]));
        }
    }

    [Fact]
    public void A_lone_cr_at_the_end_of_the_buffer_waits_for_the_next_byte()
    {
        var parser = new SseParser();
        var buffer = Split("data: x\r\r"u8.ToArray());

        Assert.False(parser.TryReadEvent(ref buffer, out _));
        Assert.Equal(9, buffer.Length); // left as it was

        // The next byte could have been the \n of a \r\n; it is not, so the \r ended the event.
        Assert.Equal([new Parsed("x", null, false)], Feed("data: x\r\r"u8.ToArray(), "data: y"u8.ToArray()));

        // It was: the \r\n is one line end, and the event is complete once it has arrived.
        Assert.Equal([new Parsed("x", null, false)], Feed("data: x\r\n\r"u8.ToArray(), "\n"u8.ToArray()));
    }

    [Fact]
    public void An_incomplete_event_leaves_the_buffer_untouched()
    {
        var parser = new SseParser();
        foreach (var text in new[] { "", "data: x", "data: x\n", "data: x\ndata: y\n", ": comment\n\ndata: x\n", "event: e\ndata: x\r\n" })
        {
            var buffer = Split(Encoding.UTF8.GetBytes(text));
            Assert.False(parser.TryReadEvent(ref buffer, out _));
            Assert.Equal(Encoding.UTF8.GetByteCount(text), buffer.Length);
        }
    }

    [Fact]
    public void Data_lines_join_with_newlines()
    {
        Assert.Equal(
            [new Parsed("a\nb\n c\n\nd:e", null, false), new Parsed("", null, false)],
            ReadAll("data: a\ndata:b\ndata:  c\ndata\ndata: d:e\n\ndata\n\n"));
    }

    [Fact]
    public void Comments_keep_alives_and_unknown_fields_are_ignored()
    {
        Assert.Equal(
            [new Parsed("x", null, false), new Parsed("y", null, false)],
            ReadAll(": keep-alive\n\n:\n\n: ping\ndata: x\n: between\nid: 7\nretry: 100\nDATA: no\n\n: keep-alive\n\nfoo\ndata: y\n\n"));
    }

    [Fact]
    public void Event_names()
    {
        Assert.Equal(
            [new Parsed("{}", "message_start", false), new Parsed("{\"type\":\"ping\"}", "ping", false), new Parsed("z", null, false)],
            ReadAll("event: message_start\ndata: {}\n\nevent:ping\ndata: {\"type\":\"ping\"}\n\ndata: z\n\n"));
    }

    [Fact]
    public void An_event_without_data_is_not_dispatched_and_its_name_does_not_leak()
    {
        // WHATWG: a blank line with an empty data buffer resets the event type and dispatches nothing.
        Assert.Equal([new Parsed("x", null, false)], ReadAll("event: ping\n\ndata: x\n\n"));
    }

    [Theory]
    [InlineData("data: [DONE]\n\n", true)]
    [InlineData("data:[DONE]\n\n", true)]
    [InlineData("data: [DONE]\r\n\r\n", true)]
    [InlineData("data:  [DONE]\n\n", false)]
    [InlineData("data: [DONE] \n\n", false)]
    [InlineData("data: [DONE]x\n\n", false)]
    [InlineData("data: [done]\n\n", false)]
    [InlineData("data: [DONE\n\n", false)]
    [InlineData("data: \"[DONE]\"\n\n", false)]
    [InlineData("data: [DONE]\ndata: x\n\n", false)]
    public void Done_marker(string text, bool done)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(done, Assert.Single(ReadAll(Split(bytes, cut))).IsDone);
        }
    }

    [Fact]
    public void Blank_lines_between_events()
    {
        Assert.Equal(
            [new Parsed("a", null, false), new Parsed("b", null, false)],
            ReadAll("\n\r\n\rdata: a\n\n\n\n\r\n\rdata: b\r\n\r\n\n"));
    }

    private static List<Parsed> ReadAll(string text) => ReadAll(Split(Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads every complete event, as the relay does, and checks that the buffer shrinks by each.</summary>
    private static List<Parsed> ReadAll(ReadOnlySequence<byte> buffer)
    {
        var parser = new SseParser();
        var events = new List<Parsed>();
        var before = buffer.Length;
        while (parser.TryReadEvent(ref buffer, out var sseEvent))
        {
            Assert.True(buffer.Length < before, "an event must consume bytes");
            before = buffer.Length;
            events.Add(Copy(sseEvent));
        }

        return events;
    }

    /// <summary>Like a pipe: the first read, then the rest appended to what was not consumed.</summary>
    private static List<Parsed> Feed(byte[] first, byte[] second)
    {
        var parser = new SseParser();
        var events = new List<Parsed>();
        var pending = Array.Empty<byte>();
        foreach (var read in new[] { first, second })
        {
            var unconsumed = pending.Length;
            pending = [.. pending, .. read];
            var buffer = Split(pending, unconsumed);
            while (parser.TryReadEvent(ref buffer, out var sseEvent))
            {
                events.Add(Copy(sseEvent));
            }

            pending = buffer.ToArray();
        }

        return events;
    }

    private static Parsed Copy(SseEvent sseEvent) => new(Encoding.UTF8.GetString(sseEvent.Data.ToArray()), sseEvent.EventType, sseEvent.IsDone);
}
