using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>What the tests expect of spans, written out independently of the code under test.</summary>
internal static class SpanExpectations
{
    public static KeyValuePair<string, object?> Tag(string name, object value) => new(name, value);

    /// <summary>The W3C traceparent that names a sampled span.</summary>
    public static string TraceParentOf(Activity span) => $"00-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-01";

    /// <summary>A caller's own span, current until disposed, as an application's request handler has one.</summary>
    /// <param name="sampled">Whether it is sampled, as an exported caller's span is: the SDK's default sampler follows the parent's decision.</param>
    public static Activity CallerSpan(bool sampled = true)
    {
        var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        return caller.Start();
    }
}
