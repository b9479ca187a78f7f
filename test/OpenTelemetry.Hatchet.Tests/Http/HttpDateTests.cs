using System.Text;
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>The Date every answer carries (RFC 9110 §6.6.1).</summary>
public sealed class HttpDateTests
{
    [Fact]
    public void Date_is_formatted_as_an_imf_fixdate()
    {
        // RFC 9110 §5.6.7's own example.
        Encoding.ASCII.GetString(HttpDate.Format(new DateTime(1994, 11, 6, 8, 49, 37, DateTimeKind.Utc))).Should().Be("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    [Fact]
    public void Single_digit_day_and_midnight_keep_their_zeros()
    {
        Encoding.ASCII.GetString(HttpDate.Format(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc))).Should().Be("Tue, 01 Dec 2026 00:00:00 GMT");
    }

    [Fact]
    public void Now_is_the_current_second()
    {
        var before = DateTime.UtcNow;
        var now = Encoding.ASCII.GetString(HttpDate.Now);
        var after = DateTime.UtcNow;

        now.Should().BeOneOf(
            Encoding.ASCII.GetString(HttpDate.Format(Truncate(before))),
            Encoding.ASCII.GetString(HttpDate.Format(Truncate(after))));
    }

    private static DateTime Truncate(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
