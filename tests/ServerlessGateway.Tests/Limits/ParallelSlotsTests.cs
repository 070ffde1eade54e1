using ServerlessGateway.Limits.Parallel;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Limits;

/// <summary>Parallel slots shared by instances: a crashed instance's slots come back; a live one's are kept.</summary>
public sealed class ParallelSlotsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 1, TimeSpan.Zero);
    private readonly TempSqlite file = new();
    private readonly ManualTime time = new(Start);

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task Slots_of_a_crashed_instance_are_reclaimed_within_two_epochs()
    {
        var crashed = GatewayInstance.OnSqlite(file, time).Slots;
        var survivor = GatewayInstance.OnSqlite(file, time);
        Assert.True((await crashed.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);
        Assert.True((await crashed.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);
        Assert.False((await survivor.Slots.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);

        // The crashed instance never runs maintenance again; the survivor's passes keep going.
        for (var i = 0; i < 4; i++)
        {
            time.Advance(ParallelSlots.Epoch / 2);
            await survivor.Maintenance.RunOnceAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        }

        Assert.True((await survivor.Slots.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);
        Assert.True((await survivor.Slots.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);
        Assert.False((await survivor.Slots.AcquireAsync("par|team:t1|*", 2, CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task A_live_instance_keeps_its_slots_across_many_epochs_and_frees_them_when_idle()
    {
        var holder = GatewayInstance.OnSqlite(file, time);
        var other = GatewayInstance.OnSqlite(file, time);
        Assert.True((await holder.Slots.AcquireAsync("par|key:k|*", 1, CancellationToken.None)).Admitted);

        for (var i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(7));
            await holder.Maintenance.RunOnceAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
            Assert.False((await other.Slots.AcquireAsync("par|key:k|*", 1, CancellationToken.None)).Admitted);
        }

        holder.Slots.Release("par|key:k|*");
        Assert.Equal((1, 0), holder.Slots.Held("par|key:k|*")); // still leased here: the next request needs no I/O
        time.Advance(TimeSpan.FromSeconds(3));
        await holder.Maintenance.RunOnceAsync(TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.Equal((0, 0), holder.Slots.Held("par|key:k|*"));
        Assert.True((await other.Slots.AcquireAsync("par|key:k|*", 1, CancellationToken.None)).Admitted);
    }
}
