using System.Buffers;
using System.Buffers.Text;

namespace OpenTelemetry.Hatchet.Http;

/// <summary>
/// The <c>Date</c> every answer carries (RFC 9110 §6.6.1), as an IMF-fixdate such as
/// <c>Sun, 06 Nov 1994 08:49:37 GMT</c>, formatted once a second rather than once an answer.
/// </summary>
/// <remarks>
/// Read by the event loop and the relay on the thread pool: each second's text is a new immutable
/// array published by a single reference, so a reader sees one second's text whole, never a mix.
/// </remarks>
internal static class HttpDate
{
    public const int Length = 29;

    private static Stamp current = new(long.MinValue, new byte[Length]);

    /// <summary>Gets the current second as an IMF-fixdate.</summary>
    public static ReadOnlySpan<byte> Now
    {
        get
        {
            var now = DateTime.UtcNow;
            var second = now.Ticks / TimeSpan.TicksPerSecond;
            var stamp = Volatile.Read(ref current);
            if (stamp.Second != second)
            {
                stamp = new Stamp(second, Format(new DateTime(second * TimeSpan.TicksPerSecond, DateTimeKind.Utc)));
                Volatile.Write(ref current, stamp);
            }

            return stamp.Text;
        }
    }

    /// <summary>Formats <paramref name="utc"/> as an IMF-fixdate.</summary>
    public static byte[] Format(DateTime utc)
    {
        var text = new byte[Length];
        Utf8Formatter.TryFormat(utc, text, out _, new StandardFormat('R'));
        return text;
    }

    private sealed record Stamp(long Second, byte[] Text);
}
