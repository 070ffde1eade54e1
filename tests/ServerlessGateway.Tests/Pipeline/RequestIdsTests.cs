using ServerlessGateway.Pipeline;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Pipeline;

public sealed class RequestIdsTests
{
    [Fact]
    public void A_new_id_is_a_version_7_uuid_carrying_the_injected_clock()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T14:30:00.123Z", System.Globalization.CultureInfo.InvariantCulture));

        var id = RequestIds.New(time);

        Assert.Matches("^req_[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id[4..], "N");
        Assert.Equal(7, uuid.Version);
        Assert.Equal(0b10, uuid.Variant >> 2); // RFC 9562's variant
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), Convert.ToInt64(id[4..16], 16));
    }

    [Fact]
    public void Ids_are_unique_across_threads_and_refills_and_ordered_by_time()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();

        // 4 threads × 2,000 ids: each thread's 4 KB block of randomness is refilled several times.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(RequestIds.New(time));
            }
        });
        var earlier = RequestIds.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = RequestIds.New(time);

        Assert.Equal(8_000, ids.Distinct().Count());
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }
}
