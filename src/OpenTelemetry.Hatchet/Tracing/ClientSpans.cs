using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Starts a traced call's spans and makes the request it sends: a copy of the caller's whose
/// <c>additional_metadata</c> carries the traceparent, as the Python SDK's instrumentor sends one.
/// </summary>
internal static class ClientSpans
{
    /// <summary>
    /// The call's spans, started with the call's own as the current span, or <see langword="null"/>, with nothing
    /// started and the current span as it was, when there is neither a span nor a caller's trace to carry on, or the
    /// request could not be read. Never throws: what fails is given to <paramref name="fault"/> and the caller's
    /// request is sent as it came.
    /// </summary>
    public static TracedCall? Start<TRequest>(TracedRequest kind, TRequest request, HatchetInstrumentationOptions options, Action<Exception> fault)
        where TRequest : class
    {
        if (request is not IMessage message)
        {
            return null;
        }

        var previous = Activity.Current;
        TracedCall? traced = null;
        try
        {
            if (kind.StartSpan(message, options) is { } span)
            {
                traced = new TracedCall(span, TracedCall.TraceParentOf(span), fault);
                if (kind.HasItemSpans && options.IndividualRunSpansForBulkRun)
                {
                    StartRuns(traced, span, kind, message, options);
                }
            }
            else if (previous is not null && TracedCall.TraceParentOf(previous) is { } callers)
            {
                // The listener declined the span (the SDK does for an unsampled caller's child): the runs still carry
                // the caller's trace, unsampled, as an HTTP call's headers would, rather than start traces of their own.
                traced = new TracedCall(span: null, callers, fault);
            }
            else
            {
                return null;
            }

            traced.Request = WithTraceParents(traced, kind, request, (kind.Item ?? kind).CarriesSource ? TaskRunSource.Of(previous) : null);
        }
        catch (Exception exception)
        {
            fault(exception);
        }
        finally
        {
            Activity.Current = traced?.Span ?? previous;
        }

        return traced;
    }

    // Each run's span, a child of the bulk trigger's, not made current: the next run's span is the bulk span's child
    // too (Python's start_span, instrumentor.py lines 844-851).
    private static void StartRuns(TracedCall traced, Activity span, TracedRequest kind, IMessage request, HatchetInstrumentationOptions options)
    {
        foreach (var item in ProtoFields.Repeated(request, kind.ItemsField))
        {
            traced.AddRun(item is IMessage run ? kind.Item!.StartSpan(run, options) : null);
            Activity.Current = span;
        }
    }

    // A copy of the request with the traceparents, or null to send the caller's: when no metadata is a JSON object,
    // or the request is not the contract's. A bulk trigger's run with a span of its own names that span; every other
    // run or event names the call's span (the caller's, when the listener declined the call's). An event pushed from
    // inside a run (source) also names that run.
    private static TRequest? WithTraceParents<TRequest>(TracedCall traced, TracedRequest kind, TRequest request, TaskRunSource? source)
        where TRequest : class
    {
        if (traced.TraceParent is not { } traceParent || Copy(request) is not { } copy || copy is not IMessage message)
        {
            return null;
        }

        if (kind.Item is not { } item)
        {
            return MetadataField.Write(message, kind.MetadataField, Members(traceParent, source)) == MetadataField.Outcome.Written ? copy : null;
        }

        var written = false;
        var items = ProtoFields.Repeated(message, kind.ItemsField);
        var runs = traced.Runs;
        for (var index = 0; index < items.Count; index++)
        {
            var itemParent = (index < runs.Count && runs[index] is { } run ? TracedCall.TraceParentOf(run) : null) ?? traceParent;
            if (items[index] is not IMessage one)
            {
                return null;
            }

            switch (MetadataField.Write(one, item.MetadataField, Members(itemParent, source)))
            {
                case MetadataField.Outcome.Written:
                    written = true;
                    break;
                case MetadataField.Outcome.NoField:
                    return null;
            }
        }

        return written ? copy : null;
    }

    private static KeyValuePair<string, string>[] Members(string traceParent, TaskRunSource? source)
        => source?.Members(traceParent) ?? [new(AdditionalMetadata.TraceParentKey, traceParent)];

    // A deep copy, so that the caller's request, which it may send again or read, is never changed.
    private static TRequest? Copy<TRequest>(TRequest request)
        where TRequest : class
        => request is IDeepCloneable<TRequest> cloneable ? cloneable.Clone() : null;
}
