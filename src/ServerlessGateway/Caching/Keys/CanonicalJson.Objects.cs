using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace ServerlessGateway.Caching.Keys;

/// <summary>
/// Objects in the canonical form: each property is written where it comes, then, at the object's end, the properties
/// are put in name order and a repeated name keeps only its last value. Properties of all open objects share one
/// stack; an object's own are those above its frame.
/// </summary>
internal sealed partial class CanonicalJson
{
    private byte[] scratch = [];
    private Property[] properties = ArrayPool<Property>.Shared.Rent(32);
    private int propertyCount;

    /// <summary>Writes the object the reader is on; returns where the value of property <paramref name="find"/> ended up (or -1s).</summary>
    public (int Start, int End) WriteObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> find)
    {
        var frame = BeginObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            BeginProperty(ref reader);
            reader.Read();
            WriteValue(ref reader);
            EndProperty();
        }

        return EndObject(frame, find);
    }

    public ObjectFrame BeginObject()
    {
        WriteByte((byte)'O');
        return new ObjectFrame(Reserve(4), propertyCount);
    }

    /// <summary>Opens a property at the reader's name; returns the unescaped name (valid until the next write).</summary>
    public ReadOnlySpan<byte> BeginProperty(ref Utf8JsonReader reader)
    {
        if (propertyCount == properties.Length)
        {
            var larger = ArrayPool<Property>.Shared.Rent(properties.Length * 2);
            properties.AsSpan().CopyTo(larger);
            ArrayPool<Property>.Shared.Return(properties);
            properties = larger;
        }

        var start = Length;
        var nameLength = WriteUnescaped(ref reader);
        properties[propertyCount] = new Property(start, Length, 0, propertyCount);
        propertyCount++;
        return buffer.AsSpan(start + 4, nameLength);
    }

    public void EndProperty() => properties[propertyCount - 1].End = Length;

    /// <summary>Forgets the property just opened (a field left out of the key).</summary>
    public void DropProperty()
    {
        propertyCount--;
        Length = properties[propertyCount].Start;
    }

    /// <summary>
    /// Sorts the object's properties by name, drops all but the last of a repeated name and writes its count;
    /// returns where the value of property <paramref name="find"/> ended up, or (-1, -1) when it has none.
    /// </summary>
    public (int Start, int End) EndObject(ObjectFrame frame, ReadOnlySpan<byte> find)
    {
        var open = properties.AsSpan(frame.FirstProperty, propertyCount - frame.FirstProperty);
        var regionStart = frame.CountAt + 4;
        var found = (Start: -1, End: -1);
        var count = 0;
        if (IsStrictlySorted(open))
        {
            foreach (var property in open)
            {
                found = find.IsEmpty || !NameOf(property).SequenceEqual(find) ? found : (property.ValueStart, property.End);
            }

            count = open.Length;
        }
        else
        {
            SortByName(open);
            var regionLength = Length - regionStart;
            if (scratch.Length < regionLength)
            {
                ReturnScratch();
                scratch = ArrayPool<byte>.Shared.Rent(regionLength);
            }

            // The properties are copied back in order from a copy of the region: names are read from the copy,
            // since the buffer is being overwritten.
            buffer.AsSpan(regionStart, regionLength).CopyTo(scratch);
            var write = regionStart;
            for (var i = 0; i < open.Length; i++)
            {
                var property = open[i];
                var name = NameOf(scratch, property, regionStart);
                if (i + 1 < open.Length && name.SequenceEqual(NameOf(scratch, open[i + 1], regionStart)))
                {
                    continue; // an earlier copy of a repeated name: the last one wins
                }

                var size = property.End - property.Start;
                scratch.AsSpan(property.Start - regionStart, size).CopyTo(buffer.AsSpan(write));
                if (!find.IsEmpty && name.SequenceEqual(find))
                {
                    found = (write + (property.ValueStart - property.Start), write + size);
                }

                write += size;
                count++;
            }

            Length = write;
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(frame.CountAt), count);
        propertyCount = frame.FirstProperty;
        return found;
    }

    private void SortByName(Span<Property> open)
    {
        var byName = new ByNameThenOrder(buffer);
        if (open.Length > 16)
        {
            open.Sort(byName);
            return;
        }

        // Most objects are small (a message, a part, a schema node); an insertion sort of those allocates nothing,
        // where Span.Sort boxes the comparer every time.
        for (var i = 1; i < open.Length; i++)
        {
            var property = open[i];
            var j = i - 1;
            for (; j >= 0 && byName.Compare(open[j], property) > 0; j--)
            {
                open[j + 1] = open[j];
            }

            open[j + 1] = property;
        }
    }

    private bool IsStrictlySorted(ReadOnlySpan<Property> open)
    {
        for (var i = 1; i < open.Length; i++)
        {
            if (NameOf(open[i - 1]).SequenceCompareTo(NameOf(open[i])) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private ReadOnlySpan<byte> NameOf(Property property) => NameOf(buffer, property, 0);

    /// <summary>A property's name in <paramref name="bytes"/>, which holds the buffer from <paramref name="offset"/> on.</summary>
    private static ReadOnlySpan<byte> NameOf(byte[] bytes, Property property, int offset) =>
        bytes.AsSpan(property.Start - offset + 4, property.ValueStart - property.Start - 4);

    /// <summary>Where an open object's count goes and where its properties begin on the property stack.</summary>
    public readonly record struct ObjectFrame(int CountAt, int FirstProperty);

    /// <summary>One property of an open object: [Start, ValueStart) is its name, [ValueStart, End) its value.</summary>
    private record struct Property(int Start, int ValueStart, int End, int Order);

    private readonly struct ByNameThenOrder(byte[] buffer) : IComparer<Property>
    {
        public int Compare(Property x, Property y)
        {
            var byName = NameOf(buffer, x, 0).SequenceCompareTo(NameOf(buffer, y, 0));
            return byName != 0 ? byName : x.Order.CompareTo(y.Order);
        }
    }
}
