using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>A listener that records every span of one source, as an application's tracer provider would.</summary>
internal static class RecordedSpans
{
    /// <summary>Starts recording <paramref name="source"/>'s spans until the listener is disposed.</summary>
    public static ActivityListener Of(ActivitySource source)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = candidate => candidate == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
