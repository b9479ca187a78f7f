using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The spans of one traced call, open while it runs, the traceparent its runs or events carry, and the request it
/// sends. The spans end when the call does: a bulk trigger's runs first, then the call's own span, failed ones as the
/// Python SDK fails them.
/// </summary>
/// <param name="span">The call's span, or <see langword="null"/> when the listener declined it (see <see cref="ClientSpans"/>).</param>
/// <param name="traceParent">What the runs or events carry, unless each has a span of its own; <see langword="null"/> for nothing.</param>
/// <param name="fault">Told what fails when the spans end.</param>
internal sealed class TracedCall(Activity? span, string? traceParent, Action<Exception> fault)
{
    private List<Activity?>? runs;

    /// <summary>Gets the call's span; the current one while the call is made, so that what the call does on its way out is its child.</summary>
    public Activity? Span => span;

    public string? TraceParent => traceParent;

    /// <summary>Gets or sets the request to send in place of the caller's, or <see langword="null"/> to send the caller's.</summary>
    public object? Request { get; set; }

    /// <summary>
    /// Gets the spans of a bulk trigger's runs, one for each of its items, in order (<see langword="null"/> for one
    /// that got none); empty for other calls.
    /// </summary>
    public IReadOnlyList<Activity?> Runs => this.runs ?? (IReadOnlyList<Activity?>)[];

    /// <summary>The W3C traceparent that names a span, or <see langword="null"/> if its id is not in W3C form.</summary>
    public static string? TraceParentOf(Activity activity) => activity.IdFormat == ActivityIdFormat.W3C
        ? $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{((activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}"
        : null;

    public void AddRun(Activity? run) => (this.runs ??= []).Add(run);

    /// <summary>Ends the spans when the call's answer is in, beside the caller's own wait for it.</summary>
    public void EndWhenDone(Task response)
    {
        if (span is null)
        {
            return;
        }

        response.ContinueWith(
            static (response, state) => ((TracedCall)state!).End(response.IsCompletedSuccessfully ? null : response.Exception?.InnerException ?? new OperationCanceledException()),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Ends the spans; a failure marks each, as Python's <c>record_exception</c> and <c>set_status(ERROR)</c> do.</summary>
    public void End(Exception? failure)
    {
        try
        {
            foreach (var run in this.Runs)
            {
                Stop(run, failure);
            }

            Stop(span, failure);
        }
        catch (Exception exception)
        {
            fault(exception);
        }
    }

    private static void Stop(Activity? activity, Exception? failure)
    {
        if (activity is null)
        {
            return;
        }

        if (failure is not null)
        {
            activity.AddException(failure);
            activity.SetStatus(ActivityStatusCode.Error, HatchetDispatcherInterceptor.Describe(failure));
        }

        activity.Stop();
    }
}
