using OpenTelemetry.Hatchet.Port;

namespace OpenTelemetry.Hatchet.Tests.Port;

/// <summary>
/// When the event loop may look at its sockets without blocking: for a while after finding one ready, and never
/// while the port is idle.
/// </summary>
public sealed class BusyLooksTests
{
    [Fact]
    public void Idle_loop_sleeps_at_once()
    {
        var looks = new BusyLooks();

        looks.IsAwake.Should().BeFalse();
        looks.Saw(ready: 0).Should().BeTrue("a look that slept ends the wait, whatever it found");
        looks.IsAwake.Should().BeFalse();
    }

    [Fact]
    public void Loop_that_found_a_socket_ready_looks_Count_times_without_blocking_then_sleeps()
    {
        var looks = new BusyLooks();
        looks.Saw(ready: 1).Should().BeTrue();

        for (var look = 1; look <= BusyLooks.Count; look++)
        {
            looks.IsAwake.Should().BeTrue($"look {look} of {BusyLooks.Count} does not block");
            looks.Saw(ready: 0).Should().BeFalse($"look {look} found nothing, so the loop looks again");
        }

        looks.IsAwake.Should().BeFalse("the looks are spent: the next one sleeps");
        looks.Saw(ready: 0).Should().BeTrue();
        looks.IsAwake.Should().BeFalse("a look that slept and found nothing leaves the loop asleep");
    }

    [Fact]
    public void Socket_found_ready_while_awake_gives_the_loop_all_its_looks_again()
    {
        var looks = new BusyLooks();
        looks.Saw(ready: 2);
        for (var look = 1; look < BusyLooks.Count; look++)
        {
            looks.Saw(ready: 0);
        }

        looks.Saw(ready: 1).Should().BeTrue();

        var awake = 0;
        while (looks.IsAwake && !looks.Saw(ready: 0))
        {
            awake++;
        }

        awake.Should().Be(BusyLooks.Count);
    }
}
