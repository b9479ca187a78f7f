using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tracing;
using OpenTelemetry.Trace;

using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Spans are begun on the listen stream's reader and ended on whatever thread a task sends its result from: neither
/// thread's own current activity may change. Asked of <see cref="TaskRunSpans"/> directly.
/// </summary>
public sealed class TaskRunSpansTests
{
    [Fact]
    public void Starting_a_run_span_leaves_the_reader_with_its_own_current_activity()
    {
        using var tracing = Sdk.CreateTracerProviderBuilder().AddHatchetInstrumentation().Build();
        using var source = new ActivitySource($"Reader.{Guid.NewGuid():N}");
        using var listener = RecordedSpans.Of(source);
        using var reading = source.StartActivity("reading the stream");
        var id = $"run-{Guid.NewGuid():N}";

        var span = TaskRunSpans.Start(TestDispatcher.StartStepRun(id), id, "worker-1", new HatchetInstrumentationOptions());

        span.Should().NotBeNull();
        Activity.Current.Should().BeSameAs(reading);
        span!.Parent.Should().BeNull("a run without a traceparent is a trace of its own, not a child of the reader's activity");
        TaskRunSpans.End(span, id, "completed");
    }

    [Fact]
    public void Ending_a_run_span_leaves_the_sender_with_its_own_current_activity()
    {
        using var tracing = Sdk.CreateTracerProviderBuilder().AddHatchetInstrumentation().Build();
        using var source = new ActivitySource($"Sender.{Guid.NewGuid():N}");
        using var listener = RecordedSpans.Of(source);
        var id = $"run-{Guid.NewGuid():N}";
        var span = TaskRunSpans.Start(TestDispatcher.StartStepRun(id), id, "worker-1", new HatchetInstrumentationOptions());
        using var sending = source.StartActivity("sending the result");

        TaskRunSpans.End(span, id, "completed");

        Activity.Current.Should().BeSameAs(sending);
        span!.IsStopped.Should().BeTrue();
    }

}
