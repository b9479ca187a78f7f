using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The spans of one traced call, open while it runs, and the request it sends. They end when the call does: a bulk
/// trigger's runs first, then the call's own span, failed ones as the Python SDK fails them.
/// </summary>
internal sealed class TracedCall(Activity span, Action<Exception> fault)
{
    private List<Activity?>? runs;

    /// <summary>Gets the call's span; the current one while the call is made, so the traceparent sent is its own.</summary>
    public Activity Span => span;

    /// <summary>Gets or sets the request to send in place of the caller's, or <see langword="null"/> to send the caller's.</summary>
    public object? Request { get; set; }

    /// <summary>
    /// Gets the spans of a bulk trigger's runs, one for each of its items, in order (<see langword="null"/> for one
    /// that got none); empty for other calls.
    /// </summary>
    public IReadOnlyList<Activity?> Runs => this.runs ?? (IReadOnlyList<Activity?>)[];

    /// <summary>The traceparent a run or event sends to name this call's span, or <see langword="null"/> if it has none in W3C form.</summary>
    public static string? TraceParentOf(Activity activity) => activity.IdFormat == ActivityIdFormat.W3C
        ? $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{((activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}"
        : null;

    public void AddRun(Activity? run) => (this.runs ??= []).Add(run);

    /// <summary>Ends the spans when the call's answer is in, beside the caller's own wait for it.</summary>
    public void EndWhenDone(Task response) => response.ContinueWith(
        static (response, state) => ((TracedCall)state!).End(response.IsCompletedSuccessfully ? null : response.Exception?.InnerException ?? new OperationCanceledException()),
        this,
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    /// <summary>Ends the spans; a failure marks each, as Python's <c>record_exception</c> and <c>set_status(ERROR)</c> do.</summary>
    public void End(Exception? failure)
    {
        try
        {
            foreach (var run in this.Runs)
            {
                if (run is not null)
                {
                    Stop(run, failure);
                }
            }

            Stop(span, failure);
        }
        catch (Exception exception)
        {
            fault(exception);
        }
    }

    private static void Stop(Activity activity, Exception? failure)
    {
        if (failure is not null)
        {
            activity.AddException(failure);
            activity.SetStatus(ActivityStatusCode.Error, HatchetDispatcherInterceptor.Describe(failure));
        }

        activity.Stop();
    }
}
